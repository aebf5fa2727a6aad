import Foundation

/// What a file's first bytes say it is: a gzip or zstd stream, or a plain tar (`ustar` at
/// offset 257); nil for anything else or a file that cannot be read.
public enum ArchiveKind: Sendable {
    case gzip, zstd, tar

    public static func of(_ path: String) -> ArchiveKind? {
        guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? handle.close() }
        let head = [UInt8]((try? handle.read(upToCount: 262)) ?? Data())
        if head.starts(with: [0x1F, 0x8B]) { return .gzip }
        if head.starts(with: [0x28, 0xB5, 0x2F, 0xFD]) { return .zstd }
        if head.count >= 262, Array(head[257..<262]) == Array("ustar".utf8) { return .tar }
        return nil
    }
}
