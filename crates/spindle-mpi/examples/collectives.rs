//! Checks every collective of the MPI communicator on however many ranks it is started:
//! `mpirun -np 2 target/debug/examples/collectives` (built with `--features mpi`). Exits
//! non-zero, on every rank, if one result is wrong.

fn main() {
    let session = match spindle_mpi::init() {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: {e}");
            std::process::exit(2);
        }
    };
    let c = &*session.comm;
    let (rank, size) = (c.rank() as u64, c.size() as u64);
    let mut failures = Vec::new();
    let mut check = |what: &str, ok: bool| {
        if !ok {
            failures.push(what.to_string());
        }
    };
    // Rank r contributes r words r·100 .. r·100 + r.
    let local: Vec<u64> = (0..rank).map(|k| rank * 100 + k).collect();
    let expected: Vec<u64> = (0..size)
        .flat_map(|r| (0..r).map(move |k| r * 100 + k))
        .collect();
    check("all_gather", c.all_gather(&local) == expected);
    match c.gather_to_root(&local) {
        Some(blocks) => check(
            "gather_to_root",
            rank == 0
                && blocks.len() as u64 == size
                && blocks.concat() == expected
                && blocks.iter().enumerate().all(|(r, b)| b.len() == r),
        ),
        None => check("gather_to_root", rank != 0),
    }
    check("sum", c.sum(rank + 1) == size * (size + 1) / 2);
    check("min", c.min(rank as i64 - 5) == -5);
    check("max", c.max(rank as i64) == size as i64 - 1);
    check("any", c.any(rank == size - 1) && !c.any(false));
    c.barrier();
    let failed = c.sum(failures.len() as u64);
    if rank == 0 {
        println!("{size} ranks: {} collectives failed", failed);
    }
    if !failures.is_empty() {
        eprintln!("rank {rank}: wrong {}", failures.join(", "));
    }
    drop(session);
    std::process::exit(i32::from(failed > 0));
}
