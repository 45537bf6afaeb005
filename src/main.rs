fn main() {
    std::process::exit(folio::cli::run());
}
