//! `requestParameters` and `responseElements` of each kind of call.
//!
//! They hold most of a record's bytes and all of its long tail: a `DescribeInstances` over a
//! large fleet or a `ListFunctions` page runs to many kilobytes. Each writer adds list items
//! until the record reaches the size drawn for it.

use rand::Rng;
use rand_chacha::ChaCha8Rng;

use super::ids;
use super::writer::JsonWriter;

/// The shape of a call's parameters and response.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Payload {
    Empty,
    Generic,
    Ec2Instances,
    Ec2InstanceIds,
    Ec2SecurityGroups,
    Ec2Volumes,
    Ec2NetworkInterfaces,
    Ec2Filters,
    Ec2Tags,
    S3Bucket,
    S3Buckets,
    S3Policy,
    StsAssumeRole,
    KmsCrypto,
    KmsKey,
    KmsAliases,
    IamRole,
    IamRoles,
    IamPolicy,
    LogsGroup,
    LogsGroups,
    ConsoleLogin,
    LambdaName,
    LambdaFunction,
    LambdaFunctions,
}

/// What the payload writers need to know about the record.
pub struct Context<'a> {
    pub account: &'a str,
    pub region: &'a str,
    /// A failed call has no response.
    pub failed: bool,
    /// Bytes the payload should take, roughly.
    pub budget: usize,
}

/// Text with non-ASCII characters, which some records carry in names and tags.
const LABELS: &[&str] = &[
    "billing",
    "checkout",
    "reporting",
    "Zürich-office",
    "facturación",
    "東京-batch",
    "équipe-données",
    "ingest",
];

/// Function names, bare, and the partial and full ARNs that DeleteFunction also accepts.
pub fn function_name(rng: &mut ChaCha8Rng, account: &str, region: &str) -> String {
    let base = format!(
        "{}-{}",
        [
            "invoice-renderer",
            "thumbnailer",
            "audit-export",
            "webhook",
            "etl"
        ][rng.random_range(0..5)],
        rng.random_range(1..40)
    );
    match rng.random_range(0..10) {
        0..6 => base,
        6 => format!("{base}:prod"),
        7 => format!("{account}:function:{base}"),
        _ => format!("arn:aws:lambda:{region}:{account}:function:{base}"),
    }
}

/// Writes both keys.
pub fn write(payload: Payload, w: &mut JsonWriter, rng: &mut ChaCha8Rng, cx: &Context<'_>) {
    let start = w.len();
    let full = |w: &JsonWriter| w.len() - start >= cx.budget;

    w.key("requestParameters");
    write_request(payload, w, rng, cx);

    w.key("responseElements");
    if cx.failed {
        w.null();
        return;
    }
    write_response(payload, w, rng, cx, &full);
}

fn write_request(payload: Payload, w: &mut JsonWriter, rng: &mut ChaCha8Rng, cx: &Context<'_>) {
    match payload {
        Payload::Empty | Payload::ConsoleLogin => {
            w.null();
        }
        Payload::Generic => {
            w.begin_object()
                .field(
                    "name",
                    &format!("{}-{}", label(rng), rng.random_range(1..500)),
                )
                .key("maxResults")
                .number(100)
                .end_object();
        }
        Payload::Ec2Instances | Payload::Ec2Volumes | Payload::Ec2NetworkInterfaces => {
            w.begin_object()
                .key("filterSet")
                .begin_object()
                .end_object();
            w.key("maxResults").number(1000).end_object();
        }
        Payload::Ec2InstanceIds | Payload::Ec2Tags | Payload::Ec2SecurityGroups => {
            w.begin_object().key("instancesSet").begin_object();
            w.key("items").begin_array();
            for _ in 0..rng.random_range(1..4) {
                w.begin_object()
                    .field("instanceId", &ids::resource(rng, "i"));
                w.end_object();
            }
            w.end_array().end_object().end_object();
        }
        Payload::Ec2Filters => {
            w.begin_object()
                .key("filterSet")
                .begin_object()
                .key("items")
                .begin_array();
            w.begin_object().field("name", "vpc-id");
            w.key("valueSet").begin_object().key("items").begin_array();
            w.begin_object().field("value", &ids::resource(rng, "vpc"));
            w.end_object().end_array().end_object().end_object();
            w.end_array().end_object().end_object();
        }
        Payload::S3Bucket | Payload::S3Policy | Payload::S3Buckets => {
            let bucket = format!("{}-{}-{}", label(rng).to_lowercase(), cx.account, cx.region);
            w.begin_object()
                .field("bucketName", &bucket)
                .field("Host", &format!("{bucket}.s3.{}.amazonaws.com", cx.region))
                .field("policy", "")
                .end_object();
        }
        Payload::StsAssumeRole => {
            w.begin_object()
                .field(
                    "roleArn",
                    &format!("arn:aws:iam::{}:role/deploy-pipeline", cx.account),
                )
                .field(
                    "roleSessionName",
                    &format!("session-{}", rng.random_range(1..9999)),
                )
                .key("durationSeconds")
                .number(3600)
                .end_object();
        }
        Payload::KmsCrypto | Payload::KmsKey | Payload::KmsAliases => {
            w.begin_object().key("encryptionContext").begin_object();
            w.field(
                "aws:s3:arn",
                &format!("arn:aws:s3:::{}-{}/", label(rng), cx.account),
            );
            w.end_object()
                .field("encryptionAlgorithm", "SYMMETRIC_DEFAULT");
            w.field("keyId", &kms_key_arn(rng, cx)).end_object();
        }
        Payload::IamRole | Payload::IamRoles | Payload::IamPolicy => {
            w.begin_object()
                .field("roleName", &format!("{}-role", label(rng)))
                .field("policyArn", "arn:aws:iam::aws:policy/ReadOnlyAccess")
                .end_object();
        }
        Payload::LogsGroup | Payload::LogsGroups => {
            w.begin_object()
                .field("logGroupName", &format!("/aws/lambda/{}", label(rng)))
                .field("logStreamName", &ids::hex(rng, 32))
                .end_object();
        }
        Payload::LambdaName | Payload::LambdaFunction | Payload::LambdaFunctions => {
            w.begin_object()
                .field("functionName", &function_name(rng, cx.account, cx.region))
                .end_object();
        }
    }
}

fn write_response(
    payload: Payload,
    w: &mut JsonWriter,
    rng: &mut ChaCha8Rng,
    cx: &Context<'_>,
    full: &dyn Fn(&JsonWriter) -> bool,
) {
    match payload {
        Payload::Ec2Instances => list(w, "instancesSet", full, |w| instance(w, rng, cx)),
        Payload::Ec2SecurityGroups => {
            list(w, "securityGroupInfo", full, |w| security_group(w, rng))
        }
        Payload::Ec2Volumes => list(w, "volumeSet", full, |w| volume(w, rng, cx)),
        Payload::Ec2NetworkInterfaces => list(w, "networkInterfaceSet", full, |w| {
            network_interface(w, rng, cx)
        }),
        Payload::Ec2Filters | Payload::Generic => list(w, "items", full, |w| tag(w, rng)),
        Payload::S3Buckets => list(w, "Buckets", full, |w| {
            w.begin_object()
                .field("Name", &format!("{}-{}", label(rng), ids::hex(rng, 8)))
                .field("CreationDate", "2023-11-02T09:14:07Z")
                .end_object();
        }),
        Payload::KmsAliases => list(w, "aliases", full, |w| {
            w.begin_object()
                .field("aliasName", &format!("alias/{}", label(rng)))
                .field("targetKeyId", &ids::uuid(rng))
                .end_object();
        }),
        Payload::IamRoles => list(w, "roles", full, |w| role(w, rng, cx)),
        Payload::IamPolicy => policy_response(w, full),
        Payload::LambdaFunctions => list(w, "functions", full, |w| function(w, rng, cx)),
        Payload::LambdaFunction => function(w, rng, cx),
        Payload::StsAssumeRole => credentials(w, rng, cx),
        Payload::KmsCrypto | Payload::KmsKey => {
            w.begin_object()
                .field("keyId", &kms_key_arn(rng, cx))
                .end_object();
        }
        Payload::IamRole => role(w, rng, cx),
        Payload::ConsoleLogin => {
            w.begin_object()
                .field("ConsoleLogin", "Success")
                .end_object();
        }
        Payload::Empty
        | Payload::Ec2InstanceIds
        | Payload::Ec2Tags
        | Payload::S3Bucket
        | Payload::S3Policy
        | Payload::LogsGroup
        | Payload::LogsGroups
        | Payload::LambdaName => {
            w.null();
        }
    }
}

/// Writes `{"<name>":{"items":[...]}}`, adding items until `full`; a small budget leaves
/// the list empty, as a filtered `Describe` call often returns.
fn list(
    w: &mut JsonWriter,
    name: &str,
    full: &dyn Fn(&JsonWriter) -> bool,
    mut item: impl FnMut(&mut JsonWriter),
) {
    w.begin_object()
        .key(name)
        .begin_object()
        .key("items")
        .begin_array();
    while !full(w) {
        item(w);
    }
    w.end_array().end_object().end_object();
}

fn label(rng: &mut ChaCha8Rng) -> &'static str {
    LABELS[rng.random_range(0..LABELS.len())]
}

fn kms_key_arn(rng: &mut ChaCha8Rng, cx: &Context<'_>) -> String {
    format!(
        "arn:aws:kms:{}:{}:key/{}",
        cx.region,
        cx.account,
        ids::uuid(rng)
    )
}

fn tag(w: &mut JsonWriter, rng: &mut ChaCha8Rng) {
    w.begin_object()
        .field(
            "key",
            ["team", "cost-center", "owner", "env"][rng.random_range(0..4)],
        )
        .field("value", label(rng))
        .end_object();
}

fn instance(w: &mut JsonWriter, rng: &mut ChaCha8Rng, cx: &Context<'_>) {
    w.begin_object()
        .field("instanceId", &ids::resource(rng, "i"))
        .field("imageId", &ids::resource(rng, "ami"));
    w.key("instanceState")
        .begin_object()
        .key("code")
        .number(16)
        .field("name", "running")
        .end_object();
    w.field(
        "privateDnsName",
        &format!(
            "ip-10-0-{}-{}.ec2.internal",
            rng.random_range(0..255),
            rng.random_range(0..255)
        ),
    )
    .field(
        "instanceType",
        ["t3.micro", "m6i.large", "c7g.xlarge"][rng.random_range(0..3)],
    )
    .field("launchTime", "2024-04-29T12:00:00Z");
    w.key("placement")
        .begin_object()
        .field("availabilityZone", &format!("{}a", cx.region))
        .field("tenancy", "default")
        .end_object();
    w.field("subnetId", &ids::resource(rng, "subnet"))
        .field("vpcId", &ids::resource(rng, "vpc"));
    w.key("tagSet").begin_object().key("items").begin_array();
    tag(w, rng);
    tag(w, rng);
    w.end_array().end_object();
    w.end_object();
}

fn security_group(w: &mut JsonWriter, rng: &mut ChaCha8Rng) {
    w.begin_object()
        .field("groupId", &ids::resource(rng, "sg"))
        .field("groupName", &format!("{}-sg", label(rng)))
        .field("groupDescription", "managed by terraform");
    w.key("ipPermissions")
        .begin_object()
        .key("items")
        .begin_array();
    w.begin_object()
        .field("ipProtocol", "tcp")
        .key("fromPort")
        .number(443)
        .key("toPort")
        .number(443);
    w.key("ipRanges").begin_object().key("items").begin_array();
    w.begin_object()
        .field("cidrIp", "198.51.100.0/24")
        .end_object();
    w.end_array().end_object().end_object();
    w.end_array().end_object().end_object();
}

fn volume(w: &mut JsonWriter, rng: &mut ChaCha8Rng, cx: &Context<'_>) {
    w.begin_object()
        .field("volumeId", &ids::resource(rng, "vol"))
        .key("size")
        .number(rng.random_range(8..500))
        .field("availabilityZone", &format!("{}b", cx.region))
        .field("status", "in-use")
        .field("volumeType", "gp3")
        .key("encrypted")
        .bool(true)
        .end_object();
}

fn network_interface(w: &mut JsonWriter, rng: &mut ChaCha8Rng, cx: &Context<'_>) {
    w.begin_object()
        .field("networkInterfaceId", &ids::resource(rng, "eni"))
        .field("subnetId", &ids::resource(rng, "subnet"))
        .field("availabilityZone", &format!("{}c", cx.region))
        .field("description", label(rng))
        .field(
            "privateIpAddress",
            &format!(
                "10.0.{}.{}",
                rng.random_range(0..255),
                rng.random_range(1..255)
            ),
        )
        .field("status", "in-use")
        .end_object();
}

fn role(w: &mut JsonWriter, rng: &mut ChaCha8Rng, cx: &Context<'_>) {
    let name = format!("{}-role", label(rng));
    w.begin_object()
        .field("roleName", &name)
        .field("roleId", &ids::role_id(rng))
        .field("arn", &format!("arn:aws:iam::{}:role/{name}", cx.account))
        .field("createDate", "Mar 3, 2024, 10:12:44 AM")
        .field(
            "assumeRolePolicyDocument",
            "%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow%22%2C%22Principal%22%3A%7B%22Service%22%3A%22lambda.amazonaws.com%22%7D%2C%22Action%22%3A%22sts%3AAssumeRole%22%7D%5D%7D",
        )
        .key("maxSessionDuration")
        .number(3600)
        .end_object();
}

fn policy_response(w: &mut JsonWriter, full: &dyn Fn(&JsonWriter) -> bool) {
    w.begin_object().key("policyVersion").begin_object();
    w.field("versionId", "v3")
        .key("isDefaultVersion")
        .bool(true);
    w.key("document")
        .begin_object()
        .field("Version", "2012-10-17");
    w.key("Statement").begin_array();
    loop {
        w.begin_object()
            .field("Effect", "Allow")
            .field("Action", "s3:GetObject")
            .field("Resource", "arn:aws:s3:::reports-111122223333/*")
            .end_object();
        if full(w) {
            break;
        }
    }
    w.end_array().end_object().end_object().end_object();
}

fn credentials(w: &mut JsonWriter, rng: &mut ChaCha8Rng, cx: &Context<'_>) {
    w.begin_object().key("credentials").begin_object();
    w.field("accessKeyId", &ids::access_key(rng, "ASIA"))
        .field("sessionToken", &ids::opaque(rng, 200))
        .field("expiration", "May 1, 2024, 1:00:00 PM")
        .end_object();
    w.key("assumedRoleUser")
        .begin_object()
        .field("assumedRoleId", &format!("{}:session", ids::role_id(rng)))
        .field(
            "arn",
            &format!(
                "arn:aws:sts::{}:assumed-role/deploy-pipeline/session",
                cx.account
            ),
        )
        .end_object();
    w.end_object();
}

fn function(w: &mut JsonWriter, rng: &mut ChaCha8Rng, cx: &Context<'_>) {
    let name = function_name(rng, cx.account, cx.region);
    w.begin_object()
        .field("functionName", &name)
        .field(
            "functionArn",
            &format!(
                "arn:aws:lambda:{}:{}:function:{name}",
                cx.region, cx.account
            ),
        )
        .field(
            "runtime",
            ["python3.12", "nodejs20.x", "java21", "provided.al2023"][rng.random_range(0..4)],
        )
        .field(
            "role",
            &format!("arn:aws:iam::{}:role/lambda-exec", cx.account),
        )
        .field("handler", "index.handler")
        .key("codeSize")
        .number(rng.random_range(1_000..50_000_000))
        .field("description", label(rng))
        .key("timeout")
        .number(30)
        .key("memorySize")
        .number(512)
        .field("lastModified", "2024-04-30T08:12:55.000+0000")
        .field("codeSha256", &ids::opaque(rng, 44))
        .field("version", "$LATEST")
        .end_object();
}
