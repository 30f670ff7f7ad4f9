//! The gate in front of Automerge: every byte a phone sends is checked here, against bounds
//! that a real client never comes near, before any Automerge decoder sees it.
//!
//! Automerge trusts the sizes written in its binary formats: a sync message's bloom filter that
//! declares 2^29 probes makes it allocate gigabytes, a bloom with 0 bits per entry divides by
//! zero, a compressed chunk is inflated without limit, and a change whose `seq` skips ahead trips
//! an assertion. So this module reads the headers itself — chunk framing, checksums, counts,
//! lengths, bloom parameters, inflated sizes, actor and seq — refuses what is out of bounds with
//! a message saying what, and only then hands the bytes on. Whatever still panics inside a
//! decoder is caught by [`guard`] and answered as a bad request; nothing is stored from it.
//!
//! The formats are Automerge's binary formats (the "Binary Document Format" of the Automerge
//! specification and the sync message of `automerge::sync`).

use std::collections::HashMap;
use std::io::Read;
use std::panic::{catch_unwind, AssertUnwindSafe};

use automerge::{Automerge, ChangeHash};
use sha2::{Digest, Sha256};

/// The first bytes of every Automerge chunk.
const MAGIC: [u8; 4] = [0x85, 0x6f, 0x4a, 0x83];
const CHUNK_DOCUMENT: u8 = 0;
const CHUNK_CHANGE: u8 = 1;
const CHUNK_COMPRESSED: u8 = 2;
const CHUNK_BUNDLE: u8 = 3;
const SYNC_V1: u8 = 0x42;
const SYNC_V2: u8 = 0x43;
/// The column-specification bit that marks a DEFLATE-compressed column.
const DEFLATE_BIT: u64 = 0b1000;

/// What the gate lets through. Far above anything the app writes (a change has one or two
/// deps, one actor, a few columns; a bloom filter has 10 bits per entry and 7 probes), far
/// below what would hurt the server.
#[derive(Debug, Clone, Copy)]
pub struct Bounds {
    /// Dependencies of one change, heads of one document or message.
    pub max_hashes: usize,
    /// Actors named by one change or document.
    pub max_actors: usize,
    /// Bytes of one actor id (Automerge makes 16).
    pub max_actor_bytes: usize,
    /// Bytes of a change's message.
    pub max_message_bytes: usize,
    /// Columns of one chunk.
    pub max_columns: usize,
    /// The highest `seq` an actor may reach.
    pub max_seq: u64,
    /// Bytes a document chunk may inflate to, in all.
    pub max_inflated_bytes: usize,
    /// Entries of one bloom filter (one per change the sender has since the last sync).
    pub max_bloom_entries: u64,
    /// Bits per entry and probes of a bloom filter.
    pub max_bloom_bits_per_entry: u64,
    pub max_bloom_probes: u64,
    /// `have` entries of one sync message (Automerge sends one).
    pub max_haves: usize,
    /// Change items of one sync message, and chunks in one item.
    pub max_chunks: usize,
    /// Operations one change may hold. Columns are run-length encoded, so a 97-byte change can
    /// declare ten million operations; the gate counts the runs before Automerge expands them.
    pub max_change_ops: u64,
    /// Operations (and changes) one document chunk may hold.
    pub max_document_ops: u64,
    /// Bytes of one change (a visit with twenty long opinions is under 150 KiB) and of one
    /// document chunk. What a change writes and a later change overwrites in the same push is
    /// invisible in the document's state but stays in its history: this bounds it.
    pub max_change_bytes: u64,
    pub max_document_bytes: u64,
}

impl Default for Bounds {
    fn default() -> Self {
        Bounds {
            max_hashes: 1_024,
            max_actors: 4_096,
            max_actor_bytes: 64,
            max_message_bytes: 4_096,
            max_columns: 64,
            max_seq: u64::from(u32::MAX),
            max_inflated_bytes: 32 * 1024 * 1024,
            max_bloom_entries: 1_000_000,
            max_bloom_bits_per_entry: 32,
            max_bloom_probes: 32,
            max_haves: 16,
            max_chunks: 100_000,
            max_change_ops: 50_000,
            max_document_ops: 200_000,
            max_change_bytes: 256 * 1024,
            max_document_bytes: 4 * 1024 * 1024,
        }
    }
}

/// Why bytes were refused. The message names what was wrong, for the phone's log.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct Refused(pub String);

fn refuse<T>(why: impl Into<String>) -> Result<T, Refused> {
    Err(Refused(why.into()))
}

/// What the gate read of one change chunk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChangeInfo {
    pub hash: ChangeHash,
    pub deps: Vec<ChangeHash>,
    pub actor: Vec<u8>,
    pub seq: u64,
    pub start_op: u64,
    /// How many operations it holds (the longest of its columns).
    pub ops: u64,
}

/// One chunk that passed the gate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChunkInfo {
    Change(ChangeInfo),
    /// A whole document (a compressed save), its heads and its operations.
    Document {
        heads: Vec<ChangeHash>,
        ops: u64,
    },
}

impl ChunkInfo {
    /// The operations this chunk holds, for a request's budget.
    pub fn ops(&self) -> u64 {
        match self {
            ChunkInfo::Change(c) => c.ops,
            ChunkInfo::Document { ops, .. } => *ops,
        }
    }
}

// -- a bounded reader -----------------------------------------------------------------------------

struct Reader<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    fn new(bytes: &'a [u8]) -> Self {
        Reader { bytes, pos: 0 }
    }

    fn rest(&self) -> usize {
        self.bytes.len() - self.pos
    }

    fn is_empty(&self) -> bool {
        self.rest() == 0
    }

    fn take(&mut self, n: usize, what: &str) -> Result<&'a [u8], Refused> {
        if n > self.rest() {
            return refuse(format!("{what}: {n} bytes declared, only {} left (truncated?)", self.rest()));
        }
        let out = &self.bytes[self.pos..self.pos + n];
        self.pos += n;
        Ok(out)
    }

    fn byte(&mut self, what: &str) -> Result<u8, Refused> {
        Ok(self.take(1, what)?[0])
    }

    fn uleb(&mut self, what: &str) -> Result<u64, Refused> {
        let mut value: u64 = 0;
        for i in 0..10 {
            let b = self.byte(what)?;
            let part = u64::from(b & 0x7f);
            if i == 9 && part > 1 {
                return refuse(format!("{what}: number too large"));
            }
            value |= part << (7 * i);
            if b & 0x80 == 0 {
                return Ok(value);
            }
        }
        refuse(format!("{what}: number too long"))
    }

    fn sleb(&mut self, what: &str) -> Result<(), Refused> {
        for _ in 0..10 {
            if self.byte(what)? & 0x80 == 0 {
                return Ok(());
            }
        }
        refuse(format!("{what}: number too long"))
    }

    fn count(&mut self, what: &str, max: usize) -> Result<usize, Refused> {
        let n = self.uleb(what)?;
        if n > max as u64 {
            return refuse(format!("{what}: {n} declared, at most {max} accepted"));
        }
        Ok(n as usize)
    }

    fn hashes(&mut self, what: &str, max: usize) -> Result<Vec<ChangeHash>, Refused> {
        let n = self.count(what, max)?;
        let raw = self.take(n * 32, what)?;
        Ok(raw.chunks_exact(32).map(|c| ChangeHash(c.try_into().expect("32-byte chunk"))).collect())
    }

    fn actor(&mut self, b: &Bounds) -> Result<&'a [u8], Refused> {
        let n = self.uleb("actor id length")?;
        if n == 0 || n > b.max_actor_bytes as u64 {
            return refuse(format!("an actor id of {n} bytes (1 to {} accepted)", b.max_actor_bytes));
        }
        self.take(n as usize, "actor id")
    }
}

// -- chunks -----------------------------------------------------------------------------------

/// Reads one chunk from the reader: framing, checksum and the header of its contents.
fn chunk(r: &mut Reader<'_>, b: &Bounds) -> Result<ChunkInfo, Refused> {
    if r.take(4, "chunk magic")? != MAGIC {
        return refuse("not an Automerge chunk (wrong magic bytes)");
    }
    let checksum: [u8; 4] = r.take(4, "chunk checksum")?.try_into().expect("4 bytes");
    let kind = r.byte("chunk type")?;
    let len = r.uleb("chunk length")?;
    if len > r.rest() as u64 {
        return refuse(format!("a chunk declares {len} bytes but only {} follow (truncated?)", r.rest()));
    }
    let data = r.take(len as usize, "chunk")?;
    let max = if kind == CHUNK_DOCUMENT { b.max_document_bytes } else { b.max_change_bytes };
    if len > max {
        return refuse(format!("a chunk of {len} bytes (at most {max} accepted)"));
    }
    match kind {
        CHUNK_CHANGE | CHUNK_DOCUMENT => {}
        CHUNK_COMPRESSED => {
            return refuse(
                "compressed change chunks are not accepted: send each change as getChanges returns it (uncompressed)",
            )
        }
        CHUNK_BUNDLE => return refuse("bundle chunks are not accepted: send change chunks or a document chunk"),
        other => return refuse(format!("unknown chunk type {other}")),
    }
    // The hash Automerge gives a chunk: SHA-256 over type, length and contents; the checksum is
    // its first four bytes. A damaged byte must not be stored under a stale checksum.
    let mut header = vec![kind];
    write_uleb(&mut header, len);
    let hash: [u8; 32] = Sha256::new().chain_update(&header).chain_update(data).finalize().into();
    if hash[..4] != checksum {
        return refuse("a chunk's checksum does not match its contents (damaged in transit?)");
    }
    if kind == CHUNK_CHANGE {
        change_body(data, ChangeHash(hash), b).map(ChunkInfo::Change)
    } else {
        document_body(data, b)
    }
}

fn write_uleb(out: &mut Vec<u8>, mut v: u64) {
    loop {
        let byte = (v & 0x7f) as u8;
        v >>= 7;
        if v == 0 {
            out.push(byte);
            return;
        }
        out.push(byte | 0x80);
    }
}

/// One column's metadata: its type (the low three bits of its specification), whether it is
/// DEFLATE-compressed, and its length in bytes.
#[derive(Clone, Copy)]
struct Column {
    /// The column's id (the specification without its type and deflate bits).
    id: u64,
    kind: u64,
    deflated: bool,
    len: u64,
}

const COLUMN_STRING: u64 = 5;
/// The operation columns' id of the action column: one entry per operation.
const ACTION_COLUMN: u64 = 4;
const COLUMN_BOOLEAN: u64 = 4;
const COLUMN_VALUE: u64 = 7;

/// Column metadata: `(spec, length)` pairs.
fn columns(r: &mut Reader<'_>, b: &Bounds, what: &str) -> Result<Vec<Column>, Refused> {
    let n = r.count(what, b.max_columns)?;
    let mut out = Vec::with_capacity(n);
    for _ in 0..n {
        let spec = r.uleb(what)?;
        if spec > u64::from(u32::MAX) {
            return refuse(format!("{what}: a column specification out of range"));
        }
        let len = r.uleb(what)?;
        out.push(Column { id: spec >> 4, kind: spec & 0b111, deflated: spec & DEFLATE_BIT != 0, len });
    }
    Ok(out)
}

/// How many entries a column holds, counted run by run without expanding a run, stopping as
/// soon as the count passes `max`: the work is bounded by the column's bytes. Run-length
/// columns are runs of `count > 0` (one value repeated), `count < 0` (that many literal values)
/// or `0` (a number of nulls); boolean columns are counts of alternating runs; raw value
/// columns hold no count (their sizes come from the metadata column).
fn rows(kind: u64, data: &[u8], max: u64, what: &str) -> Result<u64, Refused> {
    let too_many = || Refused(format!("{what}: more than {max} operations"));
    let mut r = Reader::new(data);
    let mut n: u64 = 0;
    let skip_value = |r: &mut Reader<'_>| -> Result<(), Refused> {
        if kind == COLUMN_STRING {
            let len = r.uleb(what)?;
            r.take(usize::try_from(len).unwrap_or(usize::MAX), what)?;
        } else {
            r.sleb(what)?;
        }
        Ok(())
    };
    match kind {
        COLUMN_VALUE => return Ok(0),
        COLUMN_BOOLEAN => {
            while !r.is_empty() {
                n = n.checked_add(r.uleb(what)?).ok_or_else(too_many)?;
                if n > max {
                    return Err(too_many());
                }
            }
        }
        _ => {
            while !r.is_empty() {
                let count = sleb_value(&mut r, what)?;
                let run = if count > 0 {
                    skip_value(&mut r)?;
                    count.unsigned_abs()
                } else if count < 0 {
                    let k = count.unsigned_abs();
                    if n.saturating_add(k) > max {
                        return Err(too_many());
                    }
                    for _ in 0..k {
                        skip_value(&mut r)?;
                    }
                    k
                } else {
                    r.uleb(what)?
                };
                n = n.checked_add(run).ok_or_else(too_many)?;
                if n > max {
                    return Err(too_many());
                }
            }
        }
    }
    Ok(n)
}

fn sleb_value(r: &mut Reader<'_>, what: &str) -> Result<i64, Refused> {
    let mut value: i64 = 0;
    let mut shift = 0u32;
    for _ in 0..10 {
        let b = r.byte(what)?;
        if shift < 64 {
            value |= i64::from(b & 0x7f) << shift;
        }
        shift += 7;
        if b & 0x80 == 0 {
            if shift < 64 && b & 0x40 != 0 {
                value |= -1i64 << shift;
            }
            return Ok(value);
        }
    }
    refuse(format!("{what}: number too long"))
}

fn change_body(data: &[u8], hash: ChangeHash, b: &Bounds) -> Result<ChangeInfo, Refused> {
    let mut r = Reader::new(data);
    let deps = r.hashes("a change's dependencies", b.max_hashes)?;
    let actor = r.actor(b)?.to_vec();
    let seq = r.uleb("a change's seq")?;
    if seq == 0 || seq > b.max_seq {
        return refuse(format!("a change's seq is {seq} (1 to {} accepted)", b.max_seq));
    }
    let start_op = r.uleb("a change's start op")?;
    if start_op == 0 || start_op > (1 << 53) {
        return refuse(format!("a change's start op is {start_op}"));
    }
    r.sleb("a change's time")?;
    let message_len = r.uleb("a change's message length")?;
    if message_len > b.max_message_bytes as u64 {
        return refuse(format!("a change's message of {message_len} bytes (at most {})", b.max_message_bytes));
    }
    let message = r.take(message_len as usize, "a change's message")?;
    if std::str::from_utf8(message).is_err() {
        return refuse("a change's message is not UTF-8");
    }
    let others = r.count("a change's other actors", b.max_actors)?;
    for _ in 0..others {
        r.actor(b)?;
    }
    let cols = columns(&mut r, b, "a change's columns")?;
    if cols.iter().any(|c| c.deflated) {
        return refuse("a change's columns may not be compressed");
    }
    let mut actions = None;
    for c in &cols {
        let data = r.take(usize::try_from(c.len).unwrap_or(usize::MAX), "a change's column data")?;
        // Every column is counted (each bounds what Automerge would expand) ...
        let n = rows(c.kind, data, b.max_change_ops, "a change")?;
        if c.id == ACTION_COLUMN {
            actions = Some(n);
        }
    }
    // ... and the operations are the actions: one per operation.
    let ops = actions.unwrap_or(0);
    // What follows is Automerge's optional footer (an "author"); the app writes none, and
    // Automerge asserts on some footers, so none is accepted.
    if !r.is_empty() {
        return refuse("a change carries extra bytes after its columns (an author footer is not accepted)");
    }
    Ok(ChangeInfo { hash, deps, actor, seq, start_op, ops })
}

fn document_body(data: &[u8], b: &Bounds) -> Result<ChunkInfo, Refused> {
    let mut r = Reader::new(data);
    let actors = r.count("a document's actors", b.max_actors)?;
    for _ in 0..actors {
        r.actor(b)?;
    }
    let heads = r.hashes("a document's heads", b.max_hashes)?;
    let change_cols = columns(&mut r, b, "a document's change columns")?;
    let op_cols = columns(&mut r, b, "a document's operation columns")?;
    // Every compressed column is inflated here with a cap, so a small upload cannot make the
    // server inflate gigabytes when Automerge loads it.
    let mut inflated: usize = 0;
    let mut ops = 0;
    for c in change_cols.iter().chain(&op_cols) {
        let raw = r.take(usize::try_from(c.len).unwrap_or(usize::MAX), "a document's column data")?;
        let room = b.max_inflated_bytes.saturating_sub(inflated);
        let data = if c.deflated { std::borrow::Cow::Owned(inflate(raw, room)?) } else { raw.into() };
        inflated = inflated.saturating_add(data.len());
        if inflated > b.max_inflated_bytes {
            return refuse(format!("a document inflates to more than {} bytes", b.max_inflated_bytes));
        }
        ops = ops.max(rows(c.kind, &data, b.max_document_ops, "a document")?);
    }
    // The rest are head indexes, one number per head (absent in documents of old versions).
    if !r.is_empty() {
        for _ in 0..heads.len() {
            r.uleb("a document's head index")?;
        }
    }
    if !r.is_empty() {
        return refuse("a document chunk has bytes left over after its columns");
    }
    Ok(ChunkInfo::Document { heads, ops })
}

/// Inflates a DEFLATE stream, reading at most `cap + 1` bytes of its output.
fn inflate(raw: &[u8], cap: usize) -> Result<Vec<u8>, Refused> {
    let mut out = Vec::new();
    match flate2::read::DeflateDecoder::new(raw).take(cap as u64 + 1).read_to_end(&mut out) {
        Ok(_) if out.len() > cap => refuse(format!("a compressed column inflates to more than {cap} bytes")),
        Ok(_) => Ok(out),
        Err(_) => refuse("a compressed column does not inflate (damaged?)"),
    }
}

/// Checks one pushed payload item: exactly one change chunk or one document chunk.
pub fn item(bytes: &[u8], b: &Bounds) -> Result<ChunkInfo, Refused> {
    let mut r = Reader::new(bytes);
    let c = chunk(&mut r, b)?;
    if !r.is_empty() {
        return refuse("a payload item holds more than one chunk: send each change as its own item");
    }
    Ok(c)
}

/// Checks a run of chunks one after another (the changes of a sync message, which may be
/// concatenated).
pub fn chunks(bytes: &[u8], b: &Bounds) -> Result<Vec<ChunkInfo>, Refused> {
    Ok(split(bytes, b)?.into_iter().map(|(_, info)| info).collect())
}

/// As [`chunks`], with each chunk's own bytes (a sync message's item may hold several).
pub fn split<'a>(bytes: &'a [u8], b: &Bounds) -> Result<Vec<(&'a [u8], ChunkInfo)>, Refused> {
    let mut r = Reader::new(bytes);
    let mut out = Vec::new();
    while !r.is_empty() {
        if out.len() >= b.max_chunks {
            return refuse(format!("more than {} chunks in one message", b.max_chunks));
        }
        let start = r.pos;
        let info = chunk(&mut r, b)?;
        out.push((&bytes[start..r.pos], info));
    }
    Ok(out)
}

// -- sync messages ----------------------------------------------------------------------------

/// Checks an encoded `automerge::sync::Message` and returns the chunks it carries.
pub fn sync_message(bytes: &[u8], b: &Bounds) -> Result<Vec<ChunkInfo>, Refused> {
    let mut r = Reader::new(bytes);
    match r.byte("sync message type")? {
        SYNC_V1 | SYNC_V2 => {}
        other => return refuse(format!("not a sync message (first byte {other:#04x}, expected 0x42 or 0x43)")),
    }
    r.hashes("a sync message's heads", b.max_hashes)?;
    r.hashes("a sync message's needs", b.max_hashes)?;
    let haves = r.count("a sync message's haves", b.max_haves)?;
    for _ in 0..haves {
        r.hashes("a sync message's last-sync heads", b.max_hashes)?;
        let len = r.uleb("a bloom filter's length")?;
        let bloom = r.take(usize::try_from(len).unwrap_or(usize::MAX), "a bloom filter")?;
        self::bloom(bloom, b)?;
    }
    let items = r.count("a sync message's changes", b.max_chunks)?;
    let mut out = Vec::new();
    for _ in 0..items {
        let len = r.uleb("a sync message change's length")?;
        let item = r.take(usize::try_from(len).unwrap_or(usize::MAX), "a sync message change")?;
        out.extend(chunks(item, b)?);
        if out.len() > b.max_chunks {
            return refuse(format!("more than {} chunks in one message", b.max_chunks));
        }
    }
    // The optional flags section: a length-prefixed run of flag bytes.
    if !r.is_empty() {
        let len = r.count("a sync message's flags", 64)?;
        r.take(len, "a sync message's flags")?;
    }
    Ok(out)
}

fn bloom(bytes: &[u8], b: &Bounds) -> Result<(), Refused> {
    if bytes.is_empty() {
        return Ok(());
    }
    let mut r = Reader::new(bytes);
    let entries = r.uleb("a bloom filter's entries")?;
    let bits = r.uleb("a bloom filter's bits per entry")?;
    let probes = r.uleb("a bloom filter's probes")?;
    if entries == 0 || entries > b.max_bloom_entries {
        return refuse(format!("a bloom filter of {entries} entries (1 to {} accepted)", b.max_bloom_entries));
    }
    if bits == 0 || bits > b.max_bloom_bits_per_entry {
        return refuse(format!(
            "a bloom filter of {bits} bits per entry (1 to {} accepted)",
            b.max_bloom_bits_per_entry
        ));
    }
    if probes == 0 || probes > b.max_bloom_probes {
        return refuse(format!("a bloom filter of {probes} probes (1 to {} accepted)", b.max_bloom_probes));
    }
    let want = (entries * bits).div_ceil(8);
    if r.rest() as u64 != want {
        return refuse(format!("a bloom filter of {} bytes where its parameters say {want}", r.rest()));
    }
    Ok(())
}

// -- against the document ---------------------------------------------------------------------

/// Checks that the new changes continue their actors' histories: a change with `seq` n > 1
/// depends directly on the same actor's change n − 1 (as every Automerge implementation writes
/// it), found in `doc` or among `batch`; a change with seq 1 starts an actor the document does
/// not know. Automerge asserts on a seq that skips ahead, so this runs before it applies them.
pub fn continues_history(doc: &Automerge, batch: &[ChangeInfo]) -> Result<(), Refused> {
    let in_batch: HashMap<ChangeHash, (&[u8], u64)> =
        batch.iter().map(|c| (c.hash, (c.actor.as_slice(), c.seq))).collect();
    let batch_max_op: HashMap<ChangeHash, u64> =
        batch.iter().map(|c| (c.hash, c.start_op.saturating_add(c.ops).saturating_sub(1))).collect();
    // Metadata only: `get_change_by_hash` would rebuild each change's operations.
    let known = |h: &ChangeHash| doc.get_change_meta_by_hash(h).map(|m| (m.actor.to_bytes().to_vec(), m.seq));
    for c in batch {
        if known(&c.hash).is_some() {
            continue;
        }
        // Operation counters grow along the history: a change starts above every operation of
        // the changes it depends on. A change that does not is one no Automerge writes, and a
        // document holding it saves into a snapshot that no longer loads.
        for d in &c.deps {
            let dep_max = batch_max_op.get(d).copied().or_else(|| doc.get_change_meta_by_hash(d).map(|m| m.max_op));
            if dep_max.is_some_and(|m| c.start_op <= m) {
                return refuse(format!(
                    "a change starts at operation {} but depends on a change that reaches operation {}",
                    c.start_op,
                    dep_max.unwrap_or_default()
                ));
            }
        }
        if c.seq == 1 {
            continue;
        }
        let mut found = false;
        for d in &c.deps {
            let prev = match in_batch.get(d) {
                Some(&(actor, seq)) => Some((actor.to_vec(), seq)),
                None => known(d),
            };
            if prev.is_some_and(|(actor, seq)| actor == c.actor && seq + 1 == c.seq) {
                found = true;
                break;
            }
        }
        if !found {
            let missing = c.deps.iter().any(|d| !in_batch.contains_key(d) && known(d).is_none());
            if missing {
                // Its predecessor may be among the dependencies the server lacks: the caller
                // finds those and answers with the sync protocol.
                continue;
            }
            return refuse(format!(
                "a change with seq {} does not follow its actor's change {} (seq skips ahead?)",
                c.seq,
                c.seq - 1
            ));
        }
    }
    Ok(())
}

/// Runs Automerge on bytes that passed the gate, turning a panic inside it into a refusal.
/// The closure must not hold locks or write storage: what it touched is dropped.
pub fn guard<T>(what: &str, f: impl FnOnce() -> T) -> Result<T, Refused> {
    catch_unwind(AssertUnwindSafe(f)).map_err(|panic| {
        let detail = panic
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| panic.downcast_ref::<String>().cloned())
            .unwrap_or_default();
        tracing::warn!(what, detail = %detail.chars().take(200).collect::<String>(), "Automerge panicked on gated input");
        Refused(format!("{what}: the document library could not read it"))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use automerge::transaction::Transactable;

    fn doc_with(n: usize) -> Automerge {
        let mut d = Automerge::new();
        for i in 0..n {
            let mut tx = d.transaction();
            tx.put(automerge::ROOT, format!("k{i}"), i as i64).unwrap();
            tx.commit();
        }
        d
    }

    #[test]
    fn real_changes_documents_and_sync_messages_pass_the_gate() {
        let b = Bounds::default();
        let d = doc_with(3);
        for c in d.get_changes(&[]) {
            let info = item(c.raw_bytes(), &b).unwrap();
            assert!(matches!(info, ChunkInfo::Change(ChangeInfo { seq, .. }) if seq >= 1));
        }
        let saved = d.save();
        assert!(
            matches!(item(&saved, &b).unwrap(), ChunkInfo::Document { heads, ops } if heads == d.get_heads() && ops >= 3)
        );
        let mut state = automerge::sync::State::new();
        let msg = automerge::sync::SyncDoc::generate_sync_message(&d, &mut state).unwrap().encode();
        sync_message(&msg, &b).unwrap();
    }

    #[test]
    fn a_damaged_byte_under_a_stale_checksum_is_refused() {
        let d = doc_with(1);
        let mut bytes = d.get_changes(&[])[0].raw_bytes().to_vec();
        let last = bytes.len() - 1;
        bytes[last] ^= 1;
        assert!(item(&bytes, &Bounds::default()).unwrap_err().0.contains("checksum"));
    }

    #[test]
    fn a_bloom_filter_with_absurd_parameters_is_refused_before_automerge_allocates() {
        let mut bloom = Vec::new();
        for v in [1u64, 10, 1 << 29] {
            write_uleb(&mut bloom, v);
        }
        bloom.extend([0u8; 2]);
        let mut msg = vec![SYNC_V1, 0, 0, 1, 0];
        write_uleb(&mut msg, bloom.len() as u64);
        msg.extend(&bloom);
        msg.push(0);
        assert!(sync_message(&msg, &Bounds::default()).unwrap_err().0.contains("probes"));
    }
}
