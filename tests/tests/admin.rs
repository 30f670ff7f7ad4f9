//! Administration: the command line, CSV import of households, and the demo.

use std::process::Command;

use steward_sync_server::storage::Scope;
use steward_sync_server::{admin, Config};
use steward_tests::server_binary;

fn service(dir: &std::path::Path) -> steward_sync_server::Service {
    let database = steward_tests::pg::database_for(dir);
    steward_sync_server::open_service(&Config { database, data_dir: dir.into(), ..Default::default() }).unwrap()
}

#[test]
fn a_csv_import_creates_every_household_or_none_and_names_the_bad_rows() {
    let dir = tempfile::tempdir().unwrap();
    let s = service(dir.path());
    let c = steward_tests::seed_compound(&s);
    admin::create_steward(&s, c, "李秀英").unwrap();

    let bad = "\u{feff}building,unit,room,head_name,member_count,phone,party_member,key_service,notes,steward\n\
               1,1,101,张桂兰,2,13900000000,是,独居老人,子女在外地,李秀英\n\
               1,1,102,,3,,否,无,,\n\
               1,2,201,王德明,many,,maybe,,,\n";
    let err = admin::import_households(&s, c, bad.as_bytes()).unwrap_err().to_string();
    assert!(err.contains("row 3") && err.contains("row 4") && err.contains("nothing was imported"), "{err}");
    assert!(s.storage().doc_ids(&Scope::All, Some(steward_core::doc::DocKind::Household)).unwrap().is_empty());

    let good = "building,unit,room,head_name,member_count,phone,party_member,key_service,notes,steward\n\
                1,1,101,张桂兰,2,13900000000,是,独居老人|患病,\"子女在外地, 平时独居\",李秀英\n\
                1,1,102,王德明,3,,否,无,,\n";
    let ids = admin::import_households(&s, c, good.as_bytes()).unwrap();
    assert_eq!(ids.len(), 2);
    let rows = s.storage().projections(&Scope::All, Some(steward_core::doc::DocKind::Household), -1).unwrap();
    let first: serde_json::Value = rows
        .iter()
        .map(|r| serde_json::from_str::<serde_json::Value>(&r.json).unwrap())
        .find(|v| v["profile"]["head_name"] == "张桂兰")
        .unwrap();
    assert_eq!(first["profile"]["notes"], "子女在外地, 平时独居");
    assert_eq!(first["profile"]["key_service"], serde_json::json!(["elderly_alone", "illness"]));
    assert_eq!(first["profile"]["party_member"], true);
    assert!(first["steward_id"].is_string());
}

#[test]
fn the_command_line_administers_and_the_demo_seeds_a_compound_with_enrolment_codes() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let bin = server_binary();
    let run = |args: &[&str]| {
        let mut cmd = Command::new(&bin);
        cmd.args(args).env("STEWARD_PASSWORD", "a-long-password");
        // On PostgreSQL each command goes to the database of the data directory it names.
        let data = args.iter().position(|a| *a == "--data").map(|i| std::path::Path::new(args[i + 1]));
        if let Some(url) = data.and_then(steward_tests::pg::database_for) {
            cmd.env("STEWARD_DATABASE", url);
        }
        let out = cmd.output().unwrap();
        (
            out.status.success(),
            String::from_utf8_lossy(&out.stdout).trim().to_string(),
            String::from_utf8_lossy(&out.stderr).to_string(),
        )
    };
    let d = data.to_str().unwrap();
    let (ok, district, _) = run(&["admin", "--data", d, "create-place", "--kind", "district", "--name", "南郑区"]);
    assert!(ok);
    let (ok, _, err) =
        run(&["admin", "--data", d, "create-place", "--kind", "compound", "--name", "x", "--parent", &district]);
    assert!(!ok && err.contains("district > town"), "a wrong level says the order: {err}");
    let (ok, town, _) =
        run(&["admin", "--data", d, "create-place", "--kind", "town", "--name", "大河坎镇", "--parent", &district]);
    assert!(ok);
    let (ok, _, _) = run(&[
        "admin",
        "--data",
        d,
        "create-user",
        "--username",
        "town-staff",
        "--role",
        "supervisor",
        "--place",
        &town,
    ]);
    assert!(ok);
    let (ok, listing, _) = run(&["admin", "--data", d, "list"]);
    assert!(ok && listing.contains("大河坎镇"));

    let demo_dir = dir.path().join("demo");
    let (ok, out, err) = run(&["demo", "--data", demo_dir.to_str().unwrap()]);
    assert!(ok, "{err}");
    assert!(out.contains("李秀英") && out.contains("王建国") && out.contains("demo-supervisor"), "{out}");
    assert_eq!(out.matches("  code ").count(), 2, "two enrolment codes: {out}");
    assert_eq!(out.matches("redsteward://enrol?server=").count(), 2, "two enrolment links: {out}");
    let (ok, _, err) = run(&["demo", "--data", demo_dir.to_str().unwrap()]);
    assert!(!ok && err.contains("already has data"), "the demo never seeds twice: {err}");

    let s = service(&demo_dir);
    let households = s.storage().doc_ids(&Scope::All, Some(steward_core::doc::DocKind::Household)).unwrap();
    assert_eq!(households.len(), 30 + 12, "蜀汉美郡's 30 and 汉韵花园's 12");
    assert_eq!(s.storage().stewards(None).unwrap().len(), 3);
    for (_, (user, password)) in steward_sync_server::demo::SIGN_INS {
        assert!(out.contains(user) && out.contains(password), "the demo prints the sign-in {user}: {out}");
    }
    let (ok, config, _) = run(&["default-config"]);
    assert!(ok && config.contains("STEWARD_LISTEN"));
}
