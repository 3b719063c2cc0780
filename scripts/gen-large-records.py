#!/usr/bin/env python3
"""Write a large CloudTrail log file, {"Records": [...]}, as a stream.

The file holds realistic management events of several services. Every N-th record
(--delete-every) is a successful Lambda DeleteFunction, which the rule must alert on; the
rest are reads, other writes, failed deletions and sibling APIs, which it must not. Records
are written one at a time, so memory stays small whatever the size.

On success the script prints one JSON object on stdout with the file's size, the record
count and the number of alerts a scan must produce (successful deletions, less those over
the alert cap of 100 per 5-minute window of event time). A summary goes to stderr.

Example: scripts/gen-large-records.py --size 2G --gzip -o /tmp/records.json.gz
"""

import argparse
import gzip
import json
import random
import sys
import uuid
from datetime import datetime, timedelta, timezone

ACCOUNT = "111122223333"
REGIONS = ["us-east-1", "eu-west-1", "ap-southeast-2"]
SOURCE_ADDRESSES = ["192.0.2.10", "192.0.2.77", "198.51.100.23", "2001:db8::5"]
USER_AGENTS = [
    "aws-cli/2.15.30 Python/3.11.8 Linux/6.1 exe/x86_64.amzn.2023 prompt/off command/lambda",
    "Boto3/1.34.69 md/Botocore#1.34.69 ua/2.0 os/linux#6.1 md/arch#x86_64 lang/python#3.12",
    "APN/1.0 HashiCorp/1.0 Terraform/1.7.5 (+https://www.terraform.io) terraform-provider-aws/5.42.0",
    'console.amazonaws.com "Mozilla/5.0 {with braces} [and brackets]"',
]

# Rule semantics the expected count depends on (from the rule file): at most 100 alerts per
# execution window of 5 minutes.
ALERT_CAP = 100
WINDOW_SECONDS = 300

SUFFIXES = {"K": 1 << 10, "M": 1 << 20, "G": 1 << 30}


def parse_size(text):
    """Parse a byte count such as 2G, 500M or 1048576 (K, M and G are powers of 1024)."""
    text = text.strip().upper()
    multiplier = SUFFIXES.get(text[-1:], 1)
    number = text[:-1] if text[-1:] in SUFFIXES else text
    try:
        size = int(float(number) * multiplier)
    except ValueError:
        raise argparse.ArgumentTypeError(f"invalid size {text!r}; use a number such as 2G or 500M")
    if size < 1024:
        raise argparse.ArgumentTypeError(f"size {text!r} is below the minimum of 1K")
    return size


def identity(rng):
    """Return a userIdentity: an IAM user or an assumed role, as CloudTrail writes them."""
    if rng.random() < 0.5:
        name = rng.choice(["alice", "bob", "deploy-bot"])
        return {
            "type": "IAMUser",
            "principalId": "AIDAEXAMPLE" + name.upper().replace("-", ""),
            "arn": f"arn:aws:iam::{ACCOUNT}:user/{name}",
            "accountId": ACCOUNT,
            "accessKeyId": "AKIAIOSFODNN7EXAMPLE",
            "userName": name,
        }
    role = rng.choice(["terraform-apply", "ops-admin", "ci-runner"])
    session = f"session-{rng.randrange(10_000)}"
    return {
        "type": "AssumedRole",
        "principalId": f"AROAEXAMPLEROLE:{session}",
        "arn": f"arn:aws:sts::{ACCOUNT}:assumed-role/{role}/{session}",
        "accountId": ACCOUNT,
        "accessKeyId": "ASIAEXAMPLETEMPKEY",
        "sessionContext": {
            "sessionIssuer": {
                "type": "Role",
                "principalId": "AROAEXAMPLEROLE",
                "arn": f"arn:aws:iam::{ACCOUNT}:role/{role}",
                "accountId": ACCOUNT,
                "userName": role,
            },
            "attributes": {"creationDate": "2024-01-01T00:00:00Z", "mfaAuthenticated": "false"},
        },
    }


def function_name(rng):
    return rng.choice(["billing-export", "thumbnailer", "audit-forwarder", "nightly-report"])


def lambda_call(rng, name, parameters, error=None):
    return ("lambda.amazonaws.com", name, parameters, error)


def other_call(rng):
    """Return a call to a service other than Lambda."""
    return rng.choice([
        ("s3.amazonaws.com", "GetBucketAcl", {"bucketName": "example-logs", "acl": ""}, None),
        ("ec2.amazonaws.com", "DescribeInstances", {"maxResults": 1000, "filterSet": {}}, None),
        ("sts.amazonaws.com", "AssumeRole", {"roleSessionName": "ci", "durationSeconds": 3600}, None),
        ("iam.amazonaws.com", "ListRoles", {"maxItems": 100}, None),
        ("kms.amazonaws.com", "Decrypt", {"encryptionAlgorithm": "SYMMETRIC_DEFAULT"}, None),
    ])


def ordinary_call(rng):
    """Return a call that must not alert: reads, other writes, failures and sibling APIs."""
    fn = {"functionName": function_name(rng)}
    roll = rng.random()
    if roll < 0.5:
        return other_call(rng)
    if roll < 0.7:
        return lambda_call(rng, "GetFunction20150331v2", fn)
    if roll < 0.8:
        return lambda_call(rng, "ListFunctions20150331", {"maxItems": 50})
    if roll < 0.88:
        return lambda_call(rng, "UpdateFunctionConfiguration20150331v2", dict(fn, timeout=30))
    if roll < 0.93:
        denied = ("AccessDenied", "User is not authorized to perform: lambda:DeleteFunction")
        return lambda_call(rng, "DeleteFunction20150331", fn, denied)
    if roll < 0.97:
        return lambda_call(rng, "DeleteFunctionConcurrency20171031", fn)
    return lambda_call(rng, "DeleteFunctionUrlConfig", fn)


def record(rng, when, call):
    source, name, parameters, error = call
    body = {
        "eventVersion": "1.09",
        "userIdentity": identity(rng),
        "eventTime": when.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "eventSource": source,
        "eventName": name,
        "awsRegion": rng.choice(REGIONS),
        "sourceIPAddress": rng.choice(SOURCE_ADDRESSES),
        "userAgent": rng.choice(USER_AGENTS),
    }
    if error:
        body["errorCode"], body["errorMessage"] = error
    body.update({
        "requestParameters": parameters,
        "responseElements": None,
        "requestID": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
        "eventID": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
        "readOnly": name.startswith(("Get", "List", "Describe")),
        "eventType": "AwsApiCall",
        "managementEvent": True,
        "recipientAccountId": ACCOUNT,
        "eventCategory": "Management",
        "tlsDetails": {
            "tlsVersion": "TLSv1.3",
            "cipherSuite": "TLS_AES_128_GCM_SHA256",
            "clientProvidedHostHeader": f"{source.split('.')[0]}.us-east-1.amazonaws.com",
        },
    })
    return json.dumps(body, separators=(",", ":")).encode()


def generate(out, size, delete_every, seed):
    """Write records to `out` until the document reaches about `size` bytes; return counts."""
    rng = random.Random(seed)
    start = datetime(2024, 1, 1, tzinfo=timezone.utc)
    prefix, suffix = b'{"Records":[', b"]}"
    written = len(prefix) + len(suffix)
    records = 0
    deletions_per_window = {}
    batch = [prefix]

    while True:
        when = start + timedelta(seconds=records // 2)
        if records % delete_every == delete_every - 1:
            name = "DeleteFunction20150331" if records % 2 else "DeleteFunction"
            call = lambda_call(rng, name, {"functionName": function_name(rng)})
            window = int((when - start).total_seconds()) // WINDOW_SECONDS
        else:
            call, window = ordinary_call(rng), None

        text = record(rng, when, call)
        separator = b"," if records else b""
        if written + len(separator) + len(text) > size:
            break
        if window is not None:
            deletions_per_window[window] = deletions_per_window.get(window, 0) + 1
        batch += (separator, text)
        written += len(separator) + len(text)
        records += 1
        if len(batch) >= 2048:
            out.write(b"".join(batch))
            batch.clear()

    batch.append(suffix)
    out.write(b"".join(batch))
    deletions = sum(deletions_per_window.values())
    alerts = sum(min(count, ALERT_CAP) for count in deletions_per_window.values())
    return {"bytes": written, "records": records, "deletions": deletions, "alerts": alerts}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-o", "--output", required=True, help="file to write, or - for stdout")
    parser.add_argument("--size", type=parse_size, default=parse_size("2G"),
                        help="uncompressed size in bytes; K, M and G suffixes are powers of "
                             "1024 (default 2G)")
    parser.add_argument("--gzip", action="store_true", help="write gzip-compressed output")
    parser.add_argument("--level", type=int, default=6, choices=range(1, 10),
                        help="gzip compression level (default 6)")
    parser.add_argument("--delete-every", type=int, default=5000,
                        help="every N-th record is a successful DeleteFunction (default 5000)")
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    args = parser.parse_args()
    if args.delete_every < 1:
        parser.error("--delete-every must be at least 1")

    raw = sys.stdout.buffer if args.output == "-" else open(args.output, "wb")
    with raw:
        if args.gzip:
            with gzip.GzipFile(fileobj=raw, mode="wb", compresslevel=args.level, mtime=0) as out:
                counts = generate(out, args.size, args.delete_every, args.seed)
        else:
            counts = generate(raw, args.size, args.delete_every, args.seed)

    counts["path"] = args.output
    counts["gzip"] = args.gzip
    print(
        f"wrote {counts['records']} records ({counts['bytes']} bytes uncompressed) to "
        f"{args.output}; {counts['deletions']} successful deletions, "
        f"{counts['alerts']} must alert",
        file=sys.stderr,
    )
    if args.output != "-":
        print(json.dumps(counts))


if __name__ == "__main__":
    main()
