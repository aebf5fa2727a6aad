/// What this binary was built from; scripts/release writes the commit into a release build.
enum BuildInfo {
    static let commit = "unknown (not a release build)"
}
