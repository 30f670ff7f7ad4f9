//! Writes visits into a device store as fast as it can, printing `ok <visit id>` after each one
//! the store has acknowledged. The kill test SIGKILLs it mid-write and checks every printed visit
//! survived.

use std::io::Write;

use steward_client::Store;
use uuid::Uuid;

fn main() {
    let mut args = std::env::args().skip(1);
    let (Some(path), Some(household), Some(count)) = (args.next(), args.next(), args.next()) else {
        eprintln!("usage: store-writer STORE HOUSEHOLD_ID COUNT");
        std::process::exit(2);
    };
    let household = Uuid::parse_str(&household).expect("household id");
    let count: usize = count.parse().expect("count");
    let mut store = Store::open(&path).expect("open store");
    let by = Uuid::new_v4();
    let mut out = std::io::stdout().lock();
    for i in 0..count {
        let v = steward_tests::visit(by, 1_795_000_000_000 + i as i64 * 60_000);
        store.record_visit(household, &v).expect("record visit");
        writeln!(out, "ok {}", v.id).unwrap();
        out.flush().unwrap();
    }
}
