"""The rule "AWS Lambda Function Deletion" as a Panther-style Python detection.

Panther calls `rule(event)` once per parsed log event and alerts when it returns True. This
script plays the engine's part: it reads raw CloudTrail records, one JSON object per line,
parses each with `json.loads`, calls `rule` and prints the number of alerts.
"""

import json
import sys


def aws_cloudtrail_success(event):
    # Panther's helper: a call succeeded unless it reports an error code or message.
    return not (event.get("errorCode") or event.get("errorMessage"))


def rule(event):
    if event.get("eventSource") != "lambda.amazonaws.com":
        return False
    name = event.get("eventName")
    if not isinstance(name, str):
        return False
    if name != "DeleteFunction" and not name.startswith("DeleteFunction20"):
        return False
    return aws_cloudtrail_success(event)


def main(path):
    alerts = 0
    with open(path, encoding="utf-8") as lines:
        for line in lines:
            if line.strip() and rule(json.loads(line)):
                alerts += 1
    print(alerts)


if __name__ == "__main__":
    main(sys.argv[1])
