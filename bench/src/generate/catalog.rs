//! The services and API calls the generator draws from, with their relative weights.
//!
//! The mix follows what a busy account's management trail looks like: EC2, S3, STS and KMS
//! calls dominate, IAM and CloudWatch follow, and Lambda is about one record in a hundred.
//! Lambda's CloudTrail event names carry the API version as a suffix
//! (`GetFunction20150331v2`), and a few are logged without one (`Invoke`, `DeleteFunction`).

use super::payload::Payload;

/// One API call of a service.
#[derive(Debug, Clone, Copy)]
pub struct Api {
    pub name: &'static str,
    pub weight: u32,
    pub read_only: bool,
    pub payload: Payload,
}

/// A service with the share of records it produces and its calls.
#[derive(Debug, Clone, Copy)]
pub struct Service {
    /// The `eventSource`.
    pub source: &'static str,
    /// The host name prefix in `tlsDetails.clientProvidedHostHeader`.
    pub endpoint: &'static str,
    /// Records per ten thousand, Lambda excluded (the generator draws Lambda separately).
    pub weight: u32,
    pub apis: &'static [Api],
    /// Error codes a failed call of this service reports.
    pub errors: &'static [&'static str],
}

const fn api(name: &'static str, weight: u32, read_only: bool, payload: Payload) -> Api {
    Api {
        name,
        weight,
        read_only,
        payload,
    }
}

/// Every service except Lambda.
pub const SERVICES: &[Service] = &[
    Service {
        source: "ec2.amazonaws.com",
        endpoint: "ec2",
        weight: 2400,
        apis: &[
            api("DescribeInstances", 30, true, Payload::Ec2Instances),
            api(
                "DescribeSecurityGroups",
                12,
                true,
                Payload::Ec2SecurityGroups,
            ),
            api("DescribeVolumes", 10, true, Payload::Ec2Volumes),
            api(
                "DescribeNetworkInterfaces",
                8,
                true,
                Payload::Ec2NetworkInterfaces,
            ),
            api("DescribeSubnets", 6, true, Payload::Ec2Filters),
            api("DescribeInstanceStatus", 8, true, Payload::Ec2Instances),
            api("CreateTags", 6, false, Payload::Ec2Tags),
            api("RunInstances", 2, false, Payload::Ec2Instances),
            api("TerminateInstances", 2, false, Payload::Ec2InstanceIds),
            api("StopInstances", 2, false, Payload::Ec2InstanceIds),
            api(
                "AuthorizeSecurityGroupIngress",
                2,
                false,
                Payload::Ec2SecurityGroups,
            ),
        ],
        errors: &[
            "Client.UnauthorizedOperation",
            "Client.InvalidInstanceID.NotFound",
            "Client.RequestLimitExceeded",
            "Client.DryRunOperation",
        ],
    },
    Service {
        source: "s3.amazonaws.com",
        endpoint: "s3",
        weight: 1800,
        apis: &[
            api("GetBucketAcl", 20, true, Payload::S3Bucket),
            api("GetBucketLocation", 15, true, Payload::S3Bucket),
            api("GetBucketPolicy", 8, true, Payload::S3Bucket),
            api("GetBucketVersioning", 8, true, Payload::S3Bucket),
            api("GetBucketEncryption", 6, true, Payload::S3Bucket),
            api("ListBuckets", 6, true, Payload::S3Buckets),
            api("PutBucketPolicy", 1, false, Payload::S3Policy),
            api("PutBucketTagging", 1, false, Payload::S3Bucket),
            api("CreateBucket", 1, false, Payload::S3Bucket),
            api("DeleteBucket", 1, false, Payload::S3Bucket),
        ],
        errors: &[
            "AccessDenied",
            "NoSuchBucketPolicy",
            "ServerSideEncryptionConfigurationNotFoundError",
            "NoSuchBucket",
        ],
    },
    Service {
        source: "sts.amazonaws.com",
        endpoint: "sts",
        weight: 1600,
        apis: &[
            api("AssumeRole", 50, true, Payload::StsAssumeRole),
            api("GetCallerIdentity", 20, true, Payload::Empty),
            api(
                "AssumeRoleWithWebIdentity",
                10,
                true,
                Payload::StsAssumeRole,
            ),
            api("GetSessionToken", 3, true, Payload::StsAssumeRole),
        ],
        errors: &[
            "AccessDenied",
            "ExpiredTokenException",
            "RegionDisabledException",
        ],
    },
    Service {
        source: "kms.amazonaws.com",
        endpoint: "kms",
        weight: 1500,
        apis: &[
            api("Decrypt", 45, true, Payload::KmsCrypto),
            api("GenerateDataKey", 30, true, Payload::KmsCrypto),
            api("Encrypt", 10, true, Payload::KmsCrypto),
            api("DescribeKey", 8, true, Payload::KmsKey),
            api("ListAliases", 3, true, Payload::KmsAliases),
        ],
        errors: &[
            "AccessDenied",
            "InvalidCiphertextException",
            "NotFoundException",
        ],
    },
    Service {
        source: "iam.amazonaws.com",
        endpoint: "iam",
        weight: 700,
        apis: &[
            api("GetRole", 20, true, Payload::IamRole),
            api("ListRoles", 6, true, Payload::IamRoles),
            api("GetPolicyVersion", 8, true, Payload::IamPolicy),
            api("ListAttachedRolePolicies", 10, true, Payload::IamRole),
            api("CreateRole", 1, false, Payload::IamRole),
            api("PutRolePolicy", 1, false, Payload::IamPolicy),
            api("DeleteRole", 1, false, Payload::IamRole),
            api("CreateAccessKey", 1, false, Payload::IamRole),
        ],
        errors: &[
            "AccessDenied",
            "NoSuchEntityException",
            "EntityAlreadyExistsException",
        ],
    },
    Service {
        source: "logs.amazonaws.com",
        endpoint: "logs",
        weight: 600,
        apis: &[
            api("CreateLogStream", 20, false, Payload::LogsGroup),
            api("DescribeLogGroups", 10, true, Payload::LogsGroups),
            api("PutRetentionPolicy", 2, false, Payload::LogsGroup),
            api("CreateLogGroup", 2, false, Payload::LogsGroup),
        ],
        errors: &[
            "ResourceAlreadyExistsException",
            "AccessDenied",
            "ThrottlingException",
        ],
    },
    Service {
        source: "monitoring.amazonaws.com",
        endpoint: "monitoring",
        weight: 400,
        apis: &[
            api("DescribeAlarms", 10, true, Payload::Generic),
            api("GetMetricData", 10, true, Payload::Generic),
            api("PutMetricAlarm", 2, false, Payload::Generic),
        ],
        errors: &["AccessDenied", "Throttling"],
    },
    Service {
        source: "dynamodb.amazonaws.com",
        endpoint: "dynamodb",
        weight: 300,
        apis: &[
            api("DescribeTable", 10, true, Payload::Generic),
            api("ListTables", 5, true, Payload::Generic),
            api("CreateTable", 1, false, Payload::Generic),
        ],
        errors: &["ResourceNotFoundException", "AccessDeniedException"],
    },
    Service {
        source: "ssm.amazonaws.com",
        endpoint: "ssm",
        weight: 300,
        apis: &[
            api("GetParameter", 10, true, Payload::Generic),
            api("GetParameters", 5, true, Payload::Generic),
            api("UpdateInstanceInformation", 8, false, Payload::Generic),
            api("DescribeInstanceInformation", 3, true, Payload::Generic),
        ],
        errors: &[
            "ParameterNotFound",
            "AccessDeniedException",
            "ThrottlingException",
        ],
    },
    Service {
        source: "secretsmanager.amazonaws.com",
        endpoint: "secretsmanager",
        weight: 200,
        apis: &[
            api("GetSecretValue", 10, true, Payload::Generic),
            api("DescribeSecret", 4, true, Payload::Generic),
        ],
        errors: &["ResourceNotFoundException", "AccessDeniedException"],
    },
    Service {
        source: "cloudformation.amazonaws.com",
        endpoint: "cloudformation",
        weight: 200,
        apis: &[
            api("DescribeStacks", 10, true, Payload::Generic),
            api("DescribeStackEvents", 6, true, Payload::Generic),
            api("CreateStack", 1, false, Payload::Generic),
            api("DeleteStack", 1, false, Payload::Generic),
        ],
        errors: &["ValidationError", "AccessDenied"],
    },
    Service {
        source: "elasticloadbalancing.amazonaws.com",
        endpoint: "elasticloadbalancing",
        weight: 150,
        apis: &[
            api("DescribeTargetHealth", 10, true, Payload::Generic),
            api("DescribeLoadBalancers", 5, true, Payload::Generic),
        ],
        errors: &["AccessDenied", "Throttling"],
    },
    Service {
        source: "ecr.amazonaws.com",
        endpoint: "api.ecr",
        weight: 150,
        apis: &[
            api("GetAuthorizationToken", 10, true, Payload::Generic),
            api("BatchGetImage", 5, true, Payload::Generic),
        ],
        errors: &["RepositoryNotFoundException", "AccessDeniedException"],
    },
    Service {
        source: "config.amazonaws.com",
        endpoint: "config",
        weight: 100,
        apis: &[
            api("PutEvaluations", 10, false, Payload::Generic),
            api("DescribeConfigRules", 3, true, Payload::Generic),
        ],
        errors: &["AccessDeniedException"],
    },
    Service {
        source: "signin.amazonaws.com",
        endpoint: "signin",
        weight: 10,
        apis: &[api("ConsoleLogin", 1, false, Payload::ConsoleLogin)],
        errors: &[],
    },
];

/// Lambda: about one record in a hundred.
pub const LAMBDA: Service = Service {
    source: "lambda.amazonaws.com",
    endpoint: "lambda",
    weight: 0,
    apis: &[
        api("ListFunctions20150331", 240, true, Payload::LambdaFunctions),
        api("GetFunction20150331v2", 200, true, Payload::LambdaFunction),
        api(
            "GetFunctionConfiguration20150331v2",
            100,
            true,
            Payload::LambdaFunction,
        ),
        api("Invoke", 90, false, Payload::LambdaName),
        api(
            "ListVersionsByFunction20150331",
            40,
            true,
            Payload::LambdaFunctions,
        ),
        api("GetPolicy20150331v2", 40, true, Payload::LambdaName),
        api("ListTags20170331", 30, true, Payload::LambdaName),
        api(
            "UpdateFunctionCode20150331v2",
            40,
            false,
            Payload::LambdaFunction,
        ),
        api(
            "UpdateFunctionConfiguration20150331v2",
            30,
            false,
            Payload::LambdaFunction,
        ),
        api("CreateFunction20150331", 20, false, Payload::LambdaFunction),
        api("AddPermission20150331v2", 15, false, Payload::LambdaName),
        api("RemovePermission20150331v2", 8, false, Payload::LambdaName),
        api(
            "PutFunctionConcurrency20171031",
            8,
            false,
            Payload::LambdaName,
        ),
        // Siblings of DeleteFunction that a prefix test on the name would wrongly catch.
        api(
            "DeleteFunctionConcurrency20171031",
            10,
            false,
            Payload::LambdaName,
        ),
        api("DeleteFunctionUrlConfig", 5, false, Payload::LambdaName),
        api(
            "DeleteFunctionEventInvokeConfig",
            4,
            false,
            Payload::LambdaName,
        ),
        api("DeleteAlias20150331", 6, false, Payload::LambdaName),
        api(
            "DeleteEventSourceMapping20150331",
            6,
            false,
            Payload::LambdaName,
        ),
        // Failed deletions; successful ones are drawn separately, at a fixed rate.
        api("DeleteFunction20150331", 8, false, Payload::LambdaName),
        api("DeleteFunction", 4, false, Payload::LambdaName),
    ],
    errors: &[
        "ResourceNotFoundException",
        "AccessDeniedException",
        "ResourceConflictException",
        "InvalidParameterValueException",
        "TooManyRequestsException",
    ],
};

/// The names the rule matches: the bare name and the versioned one.
pub const DELETE_FUNCTION_NAMES: [&str; 2] = ["DeleteFunction20150331", "DeleteFunction"];

/// Regions, most traffic in the first.
pub const REGIONS: &[(&str, u32)] = &[
    ("us-east-1", 50),
    ("us-west-2", 20),
    ("eu-west-1", 15),
    ("eu-central-1", 8),
    ("ap-southeast-2", 5),
    ("sa-east-1", 2),
];

/// Account ids from the AWS documentation's examples.
pub const ACCOUNTS: &[&str] = &["111122223333", "444455556666", "123456789012"];

/// Picks an index with probability proportional to `weight(item)`.
pub fn pick_weighted<T>(items: &[T], weight: impl Fn(&T) -> u32, roll: u32) -> &T {
    let total: u32 = items.iter().map(&weight).sum();
    let mut left = roll % total;
    for item in items {
        let w = weight(item);
        if left < w {
            return item;
        }
        left -= w;
    }
    unreachable!("roll is below the total weight")
}
