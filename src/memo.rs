//! Results kept for the life of the process, by the SHA-256 of their input: static SVGs,
//! PNG previews and formatted references. `folio build` makes each once anyway; the dev
//! server rebuilds on every save, and most of them are unchanged between two rebuilds.

use std::collections::BTreeMap;
use std::sync::Mutex;

use sha2::{Digest, Sha256};

/// The SHA-256 of `parts`, each preceded by its length in bytes (a little-endian `u64`), so
/// that no two lists of parts hash alike unless SHA-256 collides (`["ab", "c"]` is not
/// `["a", "bc"]`): a key for a [`Memo`], and for a group of a render cache key.
pub fn key(parts: &[&[u8]]) -> [u8; 32] {
    let mut hasher = Sha256::new();
    for part in parts {
        hasher.update((part.len() as u64).to_le_bytes());
        hasher.update(part);
    }
    hasher.finalize().into()
}

/// A map from input hashes to results made from them.
pub struct Memo<T>(Mutex<BTreeMap<[u8; 32], T>>);

impl<T: Clone> Default for Memo<T> {
    fn default() -> Memo<T> {
        Memo::new()
    }
}

impl<T: Clone> Memo<T> {
    /// An empty memo, for a `static`.
    pub const fn new() -> Memo<T> {
        Memo(Mutex::new(BTreeMap::new()))
    }

    /// The result kept for `key`, or else what `make` gives, kept if it is `Ok`.
    pub fn get_or_try<E>(
        &self,
        key: [u8; 32],
        make: impl FnOnce() -> Result<T, E>,
    ) -> Result<T, E> {
        if let Some(done) = self.0.lock().ok().and_then(|m| m.get(&key).cloned()) {
            return Ok(done);
        }
        let made = make()?;
        if let Ok(mut kept) = self.0.lock() {
            kept.insert(key, made.clone());
        }
        Ok(made)
    }

    /// Forgets every result (tests use it to make a result afresh).
    pub fn clear(&self) {
        if let Ok(mut kept) = self.0.lock() {
            kept.clear();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Memo;

    #[test]
    fn a_key_tells_where_its_parts_split() {
        assert_ne!(super::key(&[b"ab", b"c"]), super::key(&[b"a", b"bc"]));
        assert_ne!(super::key(&[b"abc"]), super::key(&[b"abc", b""]));
        assert_eq!(super::key(&[b"ab", b"c"]), super::key(&[b"ab", b"c"]));
    }

    #[test]
    fn keeps_what_succeeded_and_only_that() {
        let memo: Memo<u32> = Memo::new();
        let calls = std::cell::Cell::new(0);
        let make = |value: Result<u32, &'static str>| {
            calls.set(calls.get() + 1);
            value
        };
        assert_eq!(memo.get_or_try([1; 32], || make(Err("no"))), Err("no"));
        assert_eq!(memo.get_or_try([1; 32], || make(Ok(7))), Ok(7));
        assert_eq!(memo.get_or_try([1; 32], || make(Ok(8))), Ok(7));
        assert_eq!(memo.get_or_try([2; 32], || make(Ok(9))), Ok(9));
        assert_eq!(calls.get(), 3);
        memo.clear();
        assert_eq!(memo.get_or_try([1; 32], || make(Ok(8))), Ok(8));
    }
}
