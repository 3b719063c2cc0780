# The rule "AWS Lambda Function Deletion" as a jq filter over raw CloudTrail records, one per
# line: it prints the records that are successful DeleteFunction calls. An empty
# `errorCode` or `errorMessage` counts as success, as in Elastic, which drops empty values.
select(
  .eventSource == "lambda.amazonaws.com"
  and (.eventName == "DeleteFunction"
       or ((.eventName | type) == "string" and (.eventName | startswith("DeleteFunction20"))))
  and (.errorCode == null or .errorCode == "")
  and (.errorMessage == null or .errorMessage == "")
)
