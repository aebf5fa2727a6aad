import CArchive

/// What libarchive this binary runs with, as libarchive reports it at run time (with its
/// compression libraries): for `bundle --version --verbose` and security reviews.
public enum LinkedArchive {
    public static var version: String { String(cString: archive_version_details()) }
}
