//! The caller of each record: `userIdentity`, `sourceIPAddress` and `userAgent`.

use rand::Rng;
use rand_chacha::ChaCha8Rng;

use super::ids;
use super::writer::JsonWriter;

/// Who made a call, as far as the rest of the record needs to know.
#[derive(Debug, Clone)]
pub struct Caller {
    pub source_ip: String,
    pub user_agent: String,
    /// Set for a call made by an AWS service on the caller's behalf.
    pub invoked_by: Option<&'static str>,
}

/// Role names of the automation and people behind most calls.
const ROLES: &[&str] = &[
    "deploy-pipeline",
    "platform-admin",
    "AWSReservedSSO_AdministratorAccess_0123456789abcdef",
    "AWSReservedSSO_ReadOnly_fedcba9876543210",
    "eks-node-group",
    "datadog-integration",
    "backup-operator",
    "github-actions-oidc",
];

const USERS: &[&str] = &["alice", "bob", "ci-legacy", "break-glass", "José.Núñez"];

const SERVICES_ON_BEHALF: &[&str] = &[
    "cloudformation.amazonaws.com",
    "autoscaling.amazonaws.com",
    "elasticloadbalancing.amazonaws.com",
    "lambda.amazonaws.com",
    "ssm.amazonaws.com",
];

const USER_AGENTS: &[&str] = &[
    "aws-sdk-go-v2/1.26.1 os/linux lang/go#1.22.2 md/GOOS#linux md/GOARCH#amd64 api/sts#1.28.7",
    "Boto3/1.34.84 md/Botocore#1.34.84 ua/2.0 os/linux#5.10.213 md/arch#x86_64 lang/python#3.11.8 md/pyimpl#CPython cfg/retry-mode#legacy Botocore/1.34.84",
    "APN/1.0 HashiCorp/1.0 Terraform/1.8.3 (+https://www.terraform.io) terraform-provider-aws/5.49.0 (+https://registry.terraform.io/providers/hashicorp/aws) aws-sdk-go-v2/1.26.1 os/linux lang/go#1.22.2",
    "aws-cli/2.15.40 Python/3.11.8 Linux/5.10.213 exe/x86_64.amzn.2 prompt/off command/lambda.delete-function",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36",
    "aws-sdk-java/2.25.31 Linux/5.10.213 OpenJDK_64-Bit_Server_VM/17.0.10+7-LTS Java/17.0.10 vendor/Amazon.com_Inc. io/sync http/Apache cfg/retry-mode/legacy",
    "AWS Internal",
];

/// Writes `userIdentity` and returns the address and user agent that go with it.
pub fn write(w: &mut JsonWriter, rng: &mut ChaCha8Rng, account: &str) -> Caller {
    let roll = rng.random_range(0..1000);
    w.key("userIdentity").begin_object();
    let caller = match roll {
        0..620 => assumed_role(w, rng, account),
        620..720 => iam_user(w, rng, account),
        720..930 => aws_service(w, rng),
        930..950 => federated_user(w, rng, account),
        950..990 => aws_account(w, rng, account),
        _ => root(w, rng, account),
    };
    w.end_object();
    caller
}

fn assumed_role(w: &mut JsonWriter, rng: &mut ChaCha8Rng, account: &str) -> Caller {
    let role = ROLES[rng.random_range(0..ROLES.len())];
    let role_id = ids::role_id(rng);
    let session = format!("session-{}", rng.random_range(1000..99_999));
    w.field("type", "AssumedRole")
        .field("principalId", &format!("{role_id}:{session}"))
        .field(
            "arn",
            &format!("arn:aws:sts::{account}:assumed-role/{role}/{session}"),
        )
        .field("accountId", account)
        .field("accessKeyId", &ids::access_key(rng, "ASIA"));
    w.key("sessionContext").begin_object();
    w.key("sessionIssuer")
        .begin_object()
        .field("type", "Role")
        .field("principalId", &role_id)
        .field("arn", &format!("arn:aws:iam::{account}:role/{role}"))
        .field("accountId", account)
        .field("userName", role)
        .end_object();
    w.key("attributes")
        .begin_object()
        .field("creationDate", "2024-05-01T00:00:00Z")
        .field("mfaAuthenticated", "false")
        .end_object();
    w.end_object();
    external_caller(rng)
}

fn iam_user(w: &mut JsonWriter, rng: &mut ChaCha8Rng, account: &str) -> Caller {
    let user = USERS[rng.random_range(0..USERS.len())];
    w.field("type", "IAMUser")
        .field("principalId", &ids::user_id(rng))
        .field("arn", &format!("arn:aws:iam::{account}:user/{user}"))
        .field("accountId", account)
        .field("accessKeyId", &ids::access_key(rng, "AKIA"))
        .field("userName", user);
    external_caller(rng)
}

fn aws_service(w: &mut JsonWriter, rng: &mut ChaCha8Rng) -> Caller {
    let service = SERVICES_ON_BEHALF[rng.random_range(0..SERVICES_ON_BEHALF.len())];
    w.field("type", "AWSService").field("invokedBy", service);
    Caller {
        source_ip: service.to_owned(),
        user_agent: service.to_owned(),
        invoked_by: Some(service),
    }
}

fn federated_user(w: &mut JsonWriter, rng: &mut ChaCha8Rng, account: &str) -> Caller {
    let user = USERS[rng.random_range(0..USERS.len())];
    w.field("type", "FederatedUser")
        .field("principalId", &format!("{account}:{user}"))
        .field(
            "arn",
            &format!("arn:aws:sts::{account}:federated-user/{user}"),
        )
        .field("accountId", account)
        .field("accessKeyId", &ids::access_key(rng, "ASIA"));
    external_caller(rng)
}

fn aws_account(w: &mut JsonWriter, rng: &mut ChaCha8Rng, account: &str) -> Caller {
    w.field("type", "AWSAccount")
        .field("principalId", &ids::role_id(rng))
        .field("accountId", account);
    external_caller(rng)
}

fn root(w: &mut JsonWriter, rng: &mut ChaCha8Rng, account: &str) -> Caller {
    w.field("type", "Root")
        .field("principalId", account)
        .field("arn", &format!("arn:aws:iam::{account}:root"))
        .field("accountId", account)
        .field("accessKeyId", &ids::access_key(rng, "ASIA"));
    external_caller(rng)
}

/// A caller outside AWS: an address from the documentation ranges and a client.
fn external_caller(rng: &mut ChaCha8Rng) -> Caller {
    let source_ip = match rng.random_range(0..10) {
        0..5 => format!("192.0.2.{}", rng.random_range(1..255)),
        5..9 => format!("198.51.100.{}", rng.random_range(1..255)),
        _ => format!("2001:db8::{:x}", rng.random_range(1..0xffff)),
    };
    let user_agent = USER_AGENTS[rng.random_range(0..USER_AGENTS.len())].to_owned();
    Caller {
        source_ip,
        user_agent,
        invoked_by: None,
    }
}
