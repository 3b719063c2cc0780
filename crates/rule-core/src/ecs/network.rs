//! The call's origin: `source.*`, `user_agent.original` and `tls.*`.

use std::net::IpAddr;

use serde_json::{Map, Value, json};

use super::path;

/// Maps the network fields of a cleaned record into `doc`.
pub(super) fn map_network(record: &Map<String, Value>, doc: &mut Map<String, Value>) {
    if let Some(address) = record.get("sourceIPAddress") {
        path::insert(doc, "source.address", address.clone());
        if let Some(ip) = address.as_str().filter(|text| is_ip_literal(text)) {
            path::insert(doc, "source.ip", json!(ip));
        }
    }

    path::copy(record, "userAgent", doc, "user_agent.original");
    map_tls(record, doc);
}

/// Tells whether `address` is a literal IPv4 or IPv6 address. CloudTrail writes a service
/// name (`cloudformation.amazonaws.com`) or `AWS Internal` when a service made the call,
/// and the integration then sets `source.address` only.
fn is_ip_literal(address: &str) -> bool {
    address.parse::<IpAddr>().is_ok()
}

/// Maps `tlsDetails`: `TLSv1.3` splits at its first `v` into `tls.version_protocol: tls` and
/// `tls.version: 1.3`.
fn map_tls(record: &Map<String, Value>, doc: &mut Map<String, Value>) {
    if let Some((protocol, version)) =
        path::get_str(record, "tlsDetails.tlsVersion").and_then(|text| text.split_once('v'))
    {
        path::insert(doc, "tls.version_protocol", json!(protocol.to_lowercase()));
        path::insert(doc, "tls.version", json!(version));
    }
    path::copy(record, "tlsDetails.cipherSuite", doc, "tls.cipher");
    path::copy(
        record,
        "tlsDetails.clientProvidedHostHeader",
        doc,
        "tls.client.server_name",
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    fn network(record: Value) -> Value {
        let mut doc = Map::new();
        map_network(record.as_object().expect("an object"), &mut doc);
        Value::Object(doc)
    }

    #[test]
    fn source_ip_only_for_literal_addresses() {
        let cases = [
            ("192.0.2.10", true),
            ("2001:db8::10", true),
            ("2001:0db8:0000:0000:0000:0000:0000:0010", true),
            ("cloudformation.amazonaws.com", false),
            ("lambda.amazonaws.com", false),
            ("AWS Internal", false),
            ("192.0.2.10:443", false),
        ];
        for (address, has_ip) in cases {
            let doc = network(json!({ "sourceIPAddress": address }));
            assert_eq!(doc["source"]["address"], json!(address), "{address}");
            let expected_ip = if has_ip { json!(address) } else { Value::Null };
            assert_eq!(doc["source"]["ip"], expected_ip, "{address}");
        }
    }

    #[test]
    fn user_agent_original() {
        let doc = network(json!({ "userAgent": "aws-cli/2.15.0" }));
        assert_eq!(doc["user_agent"]["original"], json!("aws-cli/2.15.0"));
    }

    #[test]
    fn tls_details() {
        let doc = network(json!({
            "tlsDetails": {
                "tlsVersion": "TLSv1.3",
                "cipherSuite": "TLS_AES_128_GCM_SHA256",
                "clientProvidedHostHeader": "lambda.us-east-1.amazonaws.com"
            }
        }));
        let expected = json!({
            "version_protocol": "tls",
            "version": "1.3",
            "cipher": "TLS_AES_128_GCM_SHA256",
            "client": { "server_name": "lambda.us-east-1.amazonaws.com" }
        });
        assert_eq!(doc["tls"], expected);
    }
}
