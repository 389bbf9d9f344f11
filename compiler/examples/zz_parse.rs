#[path = "bench_check.rs"]
#[allow(dead_code)]
mod bc;
fn main() {
    let text = bc::generate(100_000);
    let mut v = Vec::new();
    for _ in 0..20 {
        let t = std::time::Instant::now();
        let p = pcr_lang::parse(&text);
        v.push(t.elapsed().as_secs_f64() * 1000.0);
        std::hint::black_box(p.errors.len());
    }
    v.sort_by(f64::total_cmp);
    println!("parse min {:.1} median {:.1}", v[0], v[10]);
}
