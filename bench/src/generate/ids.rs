//! Random identifiers in the formats AWS uses.

use rand::Rng;
use rand_chacha::ChaCha8Rng;

const UPPER_ALNUM: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
const HEX: &[u8] = b"0123456789abcdef";

fn pick(rng: &mut ChaCha8Rng, alphabet: &[u8], len: usize) -> String {
    (0..len)
        .map(|_| char::from(alphabet[rng.random_range(0..alphabet.len())]))
        .collect()
}

/// A version 4 UUID, as `eventID` and `requestID` are written.
pub fn uuid(rng: &mut ChaCha8Rng) -> String {
    let bits: u128 = rng.random();
    let bits = (bits & !(0xf << 76) & !(0x3 << 62)) | (0x4 << 76) | (0x2 << 62);
    let hex = format!("{bits:032x}");
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

pub fn hex(rng: &mut ChaCha8Rng, len: usize) -> String {
    pick(rng, HEX, len)
}

/// A role's unique id, `AROA` and 17 characters.
pub fn role_id(rng: &mut ChaCha8Rng) -> String {
    format!("AROA{}", pick(rng, UPPER_ALNUM, 17))
}

/// A user's unique id, `AIDA` and 17 characters.
pub fn user_id(rng: &mut ChaCha8Rng) -> String {
    format!("AIDA{}", pick(rng, UPPER_ALNUM, 17))
}

/// An access key id: `AKIA` for long-term keys, `ASIA` for temporary ones.
pub fn access_key(rng: &mut ChaCha8Rng, prefix: &str) -> String {
    format!("{prefix}{}", pick(rng, UPPER_ALNUM, 16))
}

/// An EC2 resource id such as `i-0abc…` or `sg-0abc…`.
pub fn resource(rng: &mut ChaCha8Rng, kind: &str) -> String {
    format!("{kind}-0{}", pick(rng, HEX, 16))
}

/// Base64-looking text of `len` characters, for ciphertext and tokens.
pub fn opaque(rng: &mut ChaCha8Rng, len: usize) -> String {
    const BASE64: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    pick(rng, BASE64, len)
}

#[cfg(test)]
mod tests {
    use rand::SeedableRng;
    use rand_chacha::ChaCha8Rng;

    #[test]
    fn uuid_has_version_and_variant() {
        let mut rng = ChaCha8Rng::seed_from_u64(1);

        let id = super::uuid(&mut rng);

        assert_eq!(id.len(), 36, "{id}");
        assert_eq!(&id[14..15], "4", "{id}");
        assert!("89ab".contains(&id[19..20]), "{id}");
    }
}
