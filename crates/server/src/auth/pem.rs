//! What a `--jwt-public-key` file must be before it is handed to jsonwebtoken, which also
//! loads RSA private keys and certificates as "RSA keys" and EC keys of any curve as ES256
//! keys: a server started with one of those would answer every request 401.

use base64::Engine as _;

/// DER of the object identifier of the P-256 curve (1.2.840.10045.3.1.7), the one ES256 uses.
const P256_OID: [u8; 10] = [0x06, 0x08, 0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x03, 0x01, 0x07];
/// DER of the object identifier of EC public keys (1.2.840.10045.2.1).
const EC_PUBLIC_KEY_OID: [u8; 9] = [0x06, 0x07, 0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x02, 0x01];

/// Why a PEM file is no public key the server can verify tokens with.
pub fn unusable_public_key(pem: &[u8]) -> Option<&'static str> {
    let text = std::str::from_utf8(pem).ok()?;
    let label = text
        .lines()
        .find_map(|line| line.trim().strip_prefix("-----BEGIN "))
        .and_then(|rest| rest.strip_suffix("-----"))?;
    match label {
        "PUBLIC KEY" | "RSA PUBLIC KEY" => {}
        label if label.contains("PRIVATE") => {
            return Some("it holds a private key: give the server only the public half");
        }
        "CERTIFICATE" => {
            return Some("it is a certificate: extract its public key (`openssl x509 -pubkey`)");
        }
        _ => return Some("it holds no public key"),
    }
    let body: String = text
        .lines()
        .skip_while(|line| !line.starts_with("-----BEGIN "))
        .skip(1)
        .take_while(|line| !line.starts_with("-----END "))
        .collect();
    let der = base64::engine::general_purpose::STANDARD
        .decode(body.trim())
        .ok()?;
    let contains = |needle: &[u8]| der.windows(needle.len()).any(|window| window == needle);
    if contains(&EC_PUBLIC_KEY_OID) {
        return (!contains(&P256_OID))
            .then_some("it is an EC key on another curve than P-256, the only one ES256 uses");
    }
    rsa_modulus_bits(&der)
        .is_some_and(|bits| bits < MIN_RSA_BITS)
        .then_some("it is an RSA key of fewer than 2048 bits, which the verifier refuses")
}

/// The shortest RSA modulus the verifier (aws-lc) accepts signatures of.
const MIN_RSA_BITS: u64 = 2048;

/// The modulus size of an RSA public key in DER: SubjectPublicKeyInfo (`PUBLIC KEY`), whose
/// bit string holds the PKCS #1 form (`RSA PUBLIC KEY`), a sequence of modulus and exponent.
fn rsa_modulus_bits(der: &[u8]) -> Option<u64> {
    use simple_asn1::ASN1Block;
    let blocks = simple_asn1::from_der(der).ok()?;
    let [ASN1Block::Sequence(_, fields)] = blocks.as_slice() else {
        return None;
    };
    match fields.as_slice() {
        [ASN1Block::Integer(_, modulus), ASN1Block::Integer(..)] => Some(modulus.bits()),
        [ASN1Block::Sequence(..), ASN1Block::BitString(_, _, key)] => rsa_modulus_bits(key),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture(name: &str) -> Vec<u8> {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures")
            .join(name);
        std::fs::read(path).expect("fixture")
    }

    #[test]
    fn rsa_and_p256_public_keys_are_usable() {
        assert_eq!(unusable_public_key(&fixture("rs256-public.pem")), None);
        assert_eq!(unusable_public_key(&fixture("es256-public.pem")), None);
    }

    #[test]
    fn private_keys_and_other_curves_are_not() {
        for name in ["rs256-private.pem", "es256-private.pem"] {
            assert!(
                unusable_public_key(&fixture(name)).is_some_and(|why| why.contains("private key")),
                "{name}"
            );
        }
        assert!(
            unusable_public_key(&fixture("es384-public.pem"))
                .is_some_and(|why| why.contains("P-256"))
        );
    }

    #[test]
    fn rsa_keys_shorter_than_the_verifier_accepts_are_not() {
        assert_eq!(rsa_modulus_bits_of("rs256-public.pem"), Some(2048));
        assert_eq!(rsa_modulus_bits_of("rs256-1024-public.pem"), Some(1024));
        assert!(
            unusable_public_key(&fixture("rs256-1024-public.pem"))
                .is_some_and(|why| why.contains("2048 bits"))
        );
    }

    fn rsa_modulus_bits_of(name: &str) -> Option<u64> {
        let text = String::from_utf8(fixture(name)).expect("text");
        let body: String = text.lines().filter(|l| !l.starts_with("-----")).collect();
        let der = base64::engine::general_purpose::STANDARD
            .decode(body)
            .expect("base64");
        rsa_modulus_bits(&der)
    }
}
