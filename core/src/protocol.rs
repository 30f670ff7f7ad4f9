//! The sync envelope: what a device and the sync server send each other at `POST /v1/sync`.
//!
//! Bodies are CBOR (RFC 8949) maps; every payload inside is a standard Automerge binary: a
//! change chunk, a document chunk, or a sync-protocol message. `docs/sync-protocol.md` describes
//! the exchange byte for byte.

use serde::{Deserialize, Serialize};
use serde_bytes::ByteBuf;
use uuid::Uuid;

use crate::Error;

/// The envelope version this code speaks.
pub const PROTOCOL_VERSION: u32 = 1;

/// The media type of sync bodies.
pub const CONTENT_TYPE: &str = "application/vnd.red-steward.sync+cbor";

/// The largest sync body the server accepts by default.
pub const DEFAULT_MAX_BODY: usize = 16 * 1024 * 1024;

/// What the device sends.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SyncRequest {
    /// Envelope version; must be [`PROTOCOL_VERSION`].
    pub v: u32,
    /// The cursor from the last response this device applied; absent on first sync.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cursor: Option<String>,
    /// Every document the device changed since the server last acknowledged it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub push: Vec<DocPush>,
    /// Standard Automerge sync messages, for documents where the fast path cannot be used.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sync: Vec<SyncMessage>,
}

/// New changes of one document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DocPush {
    /// The document's id (16 bytes of its UUID).
    #[serde(with = "uuid_bytes")]
    pub id: Uuid,
    /// The heads the device believes the server has: the base the changes build on. Empty for a
    /// document the server has never acknowledged.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub base: Vec<ByteBuf>,
    /// The changes after `base`: each one an Automerge change chunk, or, for a document the
    /// server has never seen, one Automerge document chunk (a compressed save).
    pub data: Vec<ByteBuf>,
}

/// One standard Automerge sync message for one document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SyncMessage {
    #[serde(with = "uuid_bytes")]
    pub id: Uuid,
    /// The encoded `automerge::sync::Message`; absent when this side has nothing to say.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub msg: Option<ByteBuf>,
    /// From a device: this is the first message of a new exchange for the document (the device
    /// starts from a fresh sync state), so the server starts from a fresh one too.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub start: bool,
    /// From the server: its heads of the document after this message was received. A device
    /// whose heads equal these knows the server has all of its edits to the document.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub heads: Option<Vec<ByteBuf>>,
}

/// What the server answers.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SyncResponse {
    pub v: u32,
    /// Send this back as `cursor` next time.
    pub cursor: String,
    /// Pushed documents the server could not apply because it lacks their base (a new server or
    /// one restored from backup): run the sync protocol for these.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub need_sync: Vec<UuidBytes>,
    /// Changes the device lacks: made by others since `cursor`, or whole documents newly in
    /// the device's scope. Each item is an Automerge change chunk or document chunk.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub pull: Vec<DocPull>,
    /// The server's answers in the sync protocol.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sync: Vec<SyncMessage>,
    /// Documents no longer in the device's scope (a household reassigned): drop them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub revoked: Vec<UuidBytes>,
    /// The server did not recognise the cursor (it was restored from a backup): it may lack
    /// whole documents the device holds, so the device reconciles every document it holds, not
    /// only those in `need_sync`.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub resync: bool,
}

/// Changes of one document the device lacks.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DocPull {
    #[serde(with = "uuid_bytes")]
    pub id: Uuid,
    pub data: Vec<ByteBuf>,
}

/// A UUID sent as its 16 bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct UuidBytes(#[serde(with = "uuid_bytes")] pub Uuid);

/// The answer to `POST /v1/enrol` (JSON): who this device now is.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Enrolment {
    /// The bearer token for every later request; shown once, stored only hashed on the server.
    pub device_token: String,
    pub device_id: Uuid,
    pub steward_id: Uuid,
    pub steward_name: String,
    pub compound_id: Uuid,
    pub compound_name: String,
    /// The program's time zone: months and deadlines are counted in it.
    #[serde(default)]
    pub time_zone: Option<String>,
}

/// The body of every error answer, in JSON.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ErrorBody {
    /// A stable machine code, e.g. `malformed_body`, `forbidden_document`.
    pub code: String,
    /// What went wrong and what to do, in words.
    pub message: String,
    /// The documents the error is about, where it is about documents.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub docs: Vec<Uuid>,
}

mod uuid_bytes {
    use serde::{Deserialize, Deserializer, Serializer};
    use uuid::Uuid;

    pub fn serialize<S: Serializer>(id: &Uuid, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_bytes(id.as_bytes())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Uuid, D::Error> {
        let b = serde_bytes::ByteBuf::deserialize(d)?;
        Uuid::from_slice(&b).map_err(|_| serde::de::Error::custom("a document id must be 16 bytes"))
    }
}

/// Encodes a message as CBOR.
pub fn encode<T: Serialize>(msg: &T) -> Vec<u8> {
    let mut out = Vec::new();
    // Writing into a Vec cannot fail, and our types always serialise.
    ciborium::into_writer(msg, &mut out).expect("CBOR encoding into memory cannot fail");
    out
}

/// Decodes a CBOR message, with an error that says what was wrong.
pub fn decode<T: for<'de> Deserialize<'de>>(bytes: &[u8]) -> Result<T, Error> {
    let msg: T = ciborium::from_reader(bytes)
        .map_err(|e| Error::Malformed(format!("the sync body is not valid CBOR of the expected shape: {e}")))?;
    Ok(msg)
}

/// Checks the version of a decoded request.
pub fn check_version(v: u32) -> Result<(), Error> {
    if v != PROTOCOL_VERSION {
        return Err(Error::Malformed(format!(
            "sync envelope version {v} is not supported; this server speaks version {PROTOCOL_VERSION}: update the app"
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_request_round_trips_through_cbor() {
        let req = SyncRequest {
            v: PROTOCOL_VERSION,
            cursor: Some("12.abcd".into()),
            push: vec![DocPush {
                id: Uuid::new_v4(),
                base: vec![ByteBuf::from(vec![1; 32])],
                data: vec![ByteBuf::from(vec![2, 3])],
            }],
            sync: vec![SyncMessage { id: Uuid::new_v4(), msg: None, start: false, heads: None }],
        };
        let bytes = encode(&req);
        assert_eq!(decode::<SyncRequest>(&bytes).unwrap(), req);
    }

    #[test]
    fn a_truncated_body_is_a_malformed_error_not_a_panic() {
        let req = SyncRequest {
            v: 1,
            push: vec![DocPush { id: Uuid::new_v4(), base: vec![], data: vec![ByteBuf::from(vec![7; 100])] }],
            ..Default::default()
        };
        let bytes = encode(&req);
        for cut in 0..bytes.len() {
            assert!(matches!(decode::<SyncRequest>(&bytes[..cut]), Err(Error::Malformed(_))), "cut at {cut}");
        }
    }

    /// What `docs/sync-protocol.md` §2.3 says of other CBOR writers, pinned: a tag in front of a
    /// byte string (cbor-x's tag 64 for a `Uint8Array`) and indefinite-length maps and arrays are
    /// read as if untagged and definite.
    #[test]
    fn tagged_byte_strings_and_indefinite_lengths_from_other_cbor_writers_are_read() {
        use ciborium::value::Value;
        let id = Uuid::new_v4();
        let tagged = |b: &[u8]| Value::Tag(64, Box::new(Value::Bytes(b.to_vec())));
        let req = Value::Map(vec![
            (Value::Text("v".into()), Value::Integer(1.into())),
            (
                Value::Text("push".into()),
                Value::Array(vec![Value::Map(vec![
                    (Value::Text("id".into()), tagged(id.as_bytes())),
                    (Value::Text("data".into()), Value::Array(vec![tagged(&[1, 2, 3])])),
                ])]),
            ),
        ]);
        let mut bytes = Vec::new();
        ciborium::into_writer(&req, &mut bytes).unwrap();
        let got: SyncRequest = decode(&bytes).unwrap();
        assert_eq!(got.push[0].id, id);
        assert_eq!(got.push[0].data[0].as_ref(), &[1, 2, 3]);

        // {"v": 1, "sync": [{"id": h'…'}]} written with indefinite-length map and array.
        let mut indef = vec![0xbf, 0x61, b'v', 0x01, 0x64, b's', b'y', b'n', b'c', 0x9f, 0xbf, 0x62, b'i', b'd', 0x50];
        indef.extend(id.as_bytes());
        indef.extend([0xff, 0xff, 0xff]);
        let got: SyncRequest = decode(&indef).unwrap();
        assert_eq!(got.sync[0].id, id);
    }

    #[test]
    fn the_envelope_of_a_small_push_is_small() {
        let req = SyncRequest {
            v: 1,
            cursor: Some("123456.0011223344556677".into()),
            push: vec![DocPush {
                id: Uuid::new_v4(),
                base: vec![ByteBuf::from(vec![0; 32])],
                data: vec![ByteBuf::from(vec![0; 500])],
            }],
            sync: vec![],
        };
        let overhead = encode(&req).len() - 500;
        assert!(overhead < 120, "envelope overhead {overhead} bytes");
    }
}
