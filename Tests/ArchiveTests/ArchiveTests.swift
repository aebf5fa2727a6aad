import Archive
import Diagnostics
import Foundation
import Testing
import TestSupport

/// The reproducible writer and the streaming reader, on real libarchive.
struct ArchiveTests {
    @Test(arguments: ArchiveWriter.Compression.allCases)
    func writesWhatItReadsBackAndTheSameBytesTwice(compression: ArchiveWriter.Compression) throws {
        let folder = try scratchFolder()
        func write(_ path: String) throws {
            let writer = try ArchiveWriter(path: path, compression: compression, mtime: 1_700_000_000)
            try writer.add("a.txt", data: Data("alpha".utf8))
            try writer.add("dir/ü-ünïcode.txt", data: Data("beta".utf8))
            try writer.begin("streamed", size: 6)
            try Data("gam".utf8).withUnsafeBytes { try writer.write($0) }
            try Data("ma".utf8).withUnsafeBytes { try writer.write($0) }
            try Data("!".utf8).withUnsafeBytes { try writer.write($0) }
            try writer.close()
        }
        try write(folder + "/one")
        try write(folder + "/two")
        #expect(FileManager.default.contents(atPath: folder + "/one") == FileManager.default.contents(atPath: folder + "/two"))

        let reader = try ArchiveReader(path: folder + "/one")
        var seen: [String: String] = [:]
        while let entry = try reader.next() {
            #expect(entry.kind == .regular && entry.mode == 0o644)
            seen[entry.path] = String(decoding: try reader.readAll(limit: 100), as: UTF8.self)
        }
        #expect(seen == ["a.txt": "alpha", "dir/ü-ünïcode.txt": "beta", "streamed": "gamma!"])
    }

    @Test func anEntryLongerThanAllowedIsRefused() throws {
        let folder = try scratchFolder()
        let writer = try ArchiveWriter(path: folder + "/a.tar.gz", compression: .gzip, mtime: 0)
        try writer.add("big", data: Data(repeating: 7, count: 4096))
        try writer.close()
        let reader = try ArchiveReader(path: folder + "/a.tar.gz")
        _ = try reader.next()
        let error = #expect(throws: ArchiveError.self) { try reader.readAll(limit: 100) }
        #expect(error?.code == .archiveEntryTooLarge)
        #expect(error?.subject == folder + "/a.tar.gz: entry big")
    }

    @Test func aTruncatedOrForeignFileIsNamed() throws {
        let folder = try scratchFolder()
        let writer = try ArchiveWriter(path: folder + "/a.tar.gz", compression: .gzip, mtime: 0, level: 0)
        try writer.add("x", data: Data(repeating: 1, count: 200_000))
        try writer.close()
        let whole = try Data(contentsOf: URL(fileURLWithPath: folder + "/a.tar.gz"))
        try whole.prefix(whole.count / 2).write(to: URL(fileURLWithPath: folder + "/cut.tar.gz"))
        let reader = try ArchiveReader(path: folder + "/cut.tar.gz")
        _ = try reader.next()
        let error = #expect(throws: ArchiveError.self) { try reader.readAll(limit: 1 << 20) }
        #expect(error?.code == .archiveUnreadable)

        try Data("not an archive at all".utf8).write(to: URL(fileURLWithPath: folder + "/text"))
        let foreign = #expect(throws: ArchiveError.self) { _ = try ArchiveReader(path: folder + "/text").next() }
        #expect(foreign?.code == .archiveUnreadable)
        #expect(foreign?.subject.hasPrefix(folder + "/text") == true)
    }

    @Test func aWriterIntoAMissingFolderSaysWhere() {
        let error = #expect(throws: ArchiveError.self) { try ArchiveWriter(path: "/nonexistent-\(UUID().uuidString)/a.tar", compression: .gzip, mtime: 0) }
        #expect(error?.code == .archiveWriteFailed)
        #expect(error?.errorClass == .local)
    }
}
