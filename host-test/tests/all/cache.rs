//! The compiled-component cache: hits, misses and damaged entries.

use std::fs;

use rule_host::cache::{CacheOutcome, ComponentCache};

use crate::support::{FAULTY_COMPONENT, engine};

#[test]
fn second_load_hits() {
    let dir = tempfile::tempdir().expect("temp dir");
    let cache = ComponentCache::new(dir.path());

    let (_, first) = cache.load(engine(), FAULTY_COMPONENT).expect("first load");
    let (_, second) = cache.load(engine(), FAULTY_COMPONENT).expect("second load");
    assert_eq!(first, CacheOutcome::Miss);
    assert_eq!(second, CacheOutcome::Hit);
}

#[test]
fn damaged_entries_are_rebuilt() {
    type Damage = fn(&mut Vec<u8>);
    let damages: [(&str, Damage); 4] = [
        ("flipped payload byte", |entry| {
            let last = entry.len() - 1;
            entry[last] ^= 0xff;
        }),
        ("truncated payload", |entry| {
            entry.truncate(entry.len() - 100)
        }),
        ("foreign magic", |entry| entry[0] = b'X'),
        ("empty file", |entry| entry.clear()),
    ];

    for (damage_name, damage) in damages {
        let dir = tempfile::tempdir().expect("temp dir");
        let cache = ComponentCache::new(dir.path());
        cache.load(engine(), FAULTY_COMPONENT).expect("first load");

        let path = cache.entry_path(engine(), FAULTY_COMPONENT);
        let mut entry = fs::read(&path).expect("entry written");
        damage(&mut entry);
        fs::write(&path, &entry).expect("entry damaged");

        let (_, rebuilt) = cache
            .load(engine(), FAULTY_COMPONENT)
            .expect("rebuilt load");
        let (_, after) = cache
            .load(engine(), FAULTY_COMPONENT)
            .expect("load after rebuild");
        assert_eq!(rebuilt, CacheOutcome::Rebuilt, "{damage_name}");
        assert_eq!(after, CacheOutcome::Hit, "{damage_name}");
    }
}

#[test]
fn other_component_gets_other_entry() {
    let dir = tempfile::tempdir().expect("temp dir");
    let cache = ComponentCache::new(dir.path());
    let mut other = FAULTY_COMPONENT.to_vec();
    // A custom section appended to a component changes its bytes, not its meaning.
    other.extend_from_slice(&[0, 6, 4, b'n', b'o', b't', b'e', 0]);

    assert_ne!(
        cache.entry_path(engine(), FAULTY_COMPONENT),
        cache.entry_path(engine(), &other)
    );
}
