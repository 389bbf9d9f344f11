//! Prints the sample plan (`hot_rolled_coil`) as JSON.
fn main() {
    println!("{}", pcr_plan::sample::hot_rolled_coil().to_json_pretty());
}
