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
    (contains(&EC_PUBLIC_KEY_OID) && !contains(&P256_OID))
        .then_some("it is an EC key on another curve than P-256, the only one ES256 uses")
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
}
