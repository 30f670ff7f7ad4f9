//! Secrets: password hashing (argon2), tokens and one-time enrolment codes. Only hashes are
//! stored; a token or code is shown once and never logged.

use argon2::password_hash::{rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use base64::Engine;
use rand::RngCore;
use sha2::{Digest, Sha256};

/// Hashes a password for storage.
pub fn hash_password(password: &str) -> Result<String, String> {
    if password.chars().count() < 8 {
        return Err("a password needs at least 8 characters".into());
    }
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| format!("could not hash the password: {e}"))
}

/// Checks a password against its stored hash.
pub fn verify_password(password: &str, stored: &str) -> bool {
    PasswordHash::new(stored).is_ok_and(|h| Argon2::default().verify_password(password.as_bytes(), &h).is_ok())
}

/// A valid hash of no one's password, to spend the same time on unknown usernames.
pub fn dummy_hash() -> &'static str {
    static HASH: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    HASH.get_or_init(|| hash_password(&new_token()).unwrap_or_default())
}

/// A new random bearer token (256 bits, URL-safe base64).
pub fn new_token() -> String {
    let mut bytes = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// A new enrolment code a steward can type: 10 characters from an alphabet without look-alikes
/// (about 50 bits; codes are one-time and expire).
pub fn new_enrolment_code() -> String {
    const ALPHABET: &[u8] = b"23456789ABCDEFGHJKLMNPQRSTUVWXYZ";
    let mut bytes = [0u8; 10];
    rand::thread_rng().fill_bytes(&mut bytes);
    bytes.iter().map(|b| ALPHABET[(*b as usize) % ALPHABET.len()] as char).collect()
}

/// Normalises a typed enrolment code: case and spaces or dashes do not matter.
pub fn normalise_code(code: &str) -> String {
    code.chars().filter(|c| c.is_ascii_alphanumeric()).map(|c| c.to_ascii_uppercase()).collect()
}

/// The stored form of a token or code.
pub fn secret_hash(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_password_verifies_only_against_its_own_hash() {
        let h = hash_password("correct horse").unwrap();
        assert!(verify_password("correct horse", &h));
        assert!(!verify_password("wrong horse", &h));
        assert!(!verify_password("correct horse", "not a hash"));
    }

    #[test]
    fn short_passwords_are_refused_with_the_rule() {
        assert!(hash_password("short").unwrap_err().contains("8 characters"));
    }

    #[test]
    fn typed_codes_ignore_case_and_separators() {
        assert_eq!(normalise_code("ab2c-d3 ef"), "AB2CD3EF");
        assert_eq!(new_enrolment_code().len(), 10);
        assert_ne!(new_token(), new_token());
    }
}
