import Foundation

/// Free space where a file is about to go, asked before a byte is fetched.
public enum FreeSpace {
    /// Bytes available to this user on the file system holding `path` (or its nearest existing
    /// parent), and that file system's id; nil when it cannot be told.
    public static func available(at path: String) -> (bytes: Int64, device: UInt64)? {
        var folder = path
        var stats = statvfs()
        var info = stat()
        while statvfs(folder, &stats) != 0 || stat(folder, &info) != 0 {
            guard folder != "/", !folder.isEmpty else { return nil }
            folder = (folder as NSString).deletingLastPathComponent
        }
        let (bytes, overflow) = Int64(clamping: stats.f_bavail).multipliedReportingOverflow(by: Int64(clamping: stats.f_frsize))
        return (overflow ? Int64.max : bytes, UInt64(info.st_dev))
    }

    /// A human size: 512 B, 3.2 MiB, 1.50 GiB.
    public static func describe(_ bytes: Int64) -> String {
        if bytes < 1024 { return "\(bytes) B" }
        if bytes < 1 << 20 { return String(format: "%.1f KiB", Double(bytes) / 1024) }
        if bytes < 1 << 30 { return String(format: "%.1f MiB", Double(bytes) / 1_048_576) }
        return String(format: "%.2f GiB", Double(bytes) / 1_073_741_824)
    }

    /// Parses `100G`, `512M`, `64k`, `1000` (bytes; binary multiples); nil when not a size.
    public static func parse(_ text: String) -> Int64? {
        let units: [Character: Int64] = ["k": 1 << 10, "K": 1 << 10, "m": 1 << 20, "M": 1 << 20, "g": 1 << 30, "G": 1 << 30, "t": 1 << 40, "T": 1 << 40]
        var digits = Substring(text)
        var multiplier: Int64 = 1
        if let last = digits.last, let unit = units[last] {
            multiplier = unit
            digits = digits.dropLast()
        }
        guard !digits.isEmpty, digits.allSatisfy(\.isNumber), let value = Int64(digits) else { return nil }
        let (result, overflow) = value.multipliedReportingOverflow(by: multiplier)
        return overflow ? nil : result
    }
}
