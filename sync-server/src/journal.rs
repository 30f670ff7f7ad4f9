//! The hashes of every change the server itself wrote (supervisors' edits, imports, the demo),
//! kept in a file beside the database rather than in it.
//!
//! After a restore from backup a phone may be the only holder of a supervisor's edit made after
//! the backup, and hands it back through the sync protocol. Such a change must pass as the
//! server's although no steward may write it — but the actor id alone proves nothing: a phone
//! sees the server's actor in every change it pulls and could write more changes under it. The
//! hash does: a change is the server's only if the server recorded its hash when it wrote it.
//! The file is append-only and outlives a restore of the database (restore replaces
//! `steward.sqlite3` only); if it is lost too, the server's edits that only phones still hold are
//! refused and set aside on the phones, never taken as a steward's.

use std::collections::HashSet;
use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use automerge::ChangeHash;

/// The server's own change hashes.
pub struct Journal {
    path: Option<PathBuf>,
    inner: Mutex<Inner>,
}

struct Inner {
    known: HashSet<ChangeHash>,
    /// How far the file has been read (other processes — the admin command — append too).
    read_to: u64,
}

impl Journal {
    /// A journal kept only in memory (tests, fuzzing).
    pub fn in_memory() -> Journal {
        Journal { path: None, inner: Mutex::new(Inner { known: HashSet::new(), read_to: 0 }) }
    }

    /// Opens (or creates) the journal at `path` and reads what it holds.
    pub fn open(path: &Path) -> std::io::Result<Journal> {
        OpenOptions::new().create(true).append(true).open(path)?;
        let j =
            Journal { path: Some(path.to_path_buf()), inner: Mutex::new(Inner { known: HashSet::new(), read_to: 0 }) };
        j.refresh(&mut j.lock())?;
        Ok(j)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn refresh(&self, inner: &mut Inner) -> std::io::Result<()> {
        let Some(path) = &self.path else { return Ok(()) };
        let mut f = File::open(path)?;
        f.seek(SeekFrom::Start(inner.read_to))?;
        let mut buf = Vec::new();
        f.read_to_end(&mut buf)?;
        // A record cut short by a crash mid-append is ignored (and read whole next time).
        let whole = buf.len() / 32 * 32;
        for rec in buf[..whole].chunks_exact(32) {
            inner.known.insert(ChangeHash(rec.try_into().expect("32 bytes")));
        }
        inner.read_to += whole as u64;
        Ok(())
    }

    /// Records changes the server wrote.
    pub fn record(&self, hashes: &[ChangeHash]) -> std::io::Result<()> {
        let mut inner = self.lock();
        if let Some(path) = &self.path {
            let mut bytes = Vec::with_capacity(hashes.len() * 32);
            for h in hashes {
                bytes.extend_from_slice(&h.0);
            }
            // One write per edit: appends from several processes do not interleave within it.
            OpenOptions::new().append(true).open(path)?.write_all(&bytes)?;
        }
        inner.known.extend(hashes.iter().copied());
        Ok(())
    }

    /// Whether the server wrote this change.
    pub fn contains(&self, hash: &ChangeHash) -> bool {
        let mut inner = self.lock();
        if inner.known.contains(hash) {
            return true;
        }
        let _ = self.refresh(&mut inner);
        inner.known.contains(hash)
    }
}
