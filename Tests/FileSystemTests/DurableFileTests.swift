import Diagnostics
import FileSystem
import Foundation
import Testing

/// The one durable writer: whole files under final names, modes from creation, nothing
/// left aside on failure, errors that name the call and the path.
struct DurableFileTests {
    static func folder() throws -> String {
        let path = NSTemporaryDirectory() + "durable-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    @Test func writesWholeFilesWithTheirMode() throws {
        let folder = try Self.folder()
        try DurableFile.write(Array("secret".utf8), to: folder + "/key", mode: 0o600)
        try DurableFile.write(Data("first".utf8), to: folder + "/file")
        try DurableFile.write(Data("second, longer".utf8), to: folder + "/file")
        #expect(FileManager.default.contents(atPath: folder + "/key") == Data("secret".utf8))
        #expect(FileManager.default.contents(atPath: folder + "/file") == Data("second, longer".utf8))
        let mode = try FileManager.default.attributesOfItem(atPath: folder + "/key")[.posixPermissions] as? Int
        #expect(mode == 0o600)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder).sorted() == ["file", "key"], "no temporary file is left")
    }

    @Test func aFailedProducerLeavesNothing() throws {
        struct Refused: Error {}
        let folder = try Self.folder()
        #expect(throws: Refused.self) {
            try DurableFile.write(to: folder + "/out") { (temporary: String) throws(Refused) in
                FileManager.default.createFile(atPath: temporary, contents: Data("partial".utf8))
                throw Refused()
            }
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder).isEmpty)
        let size = try DurableFile.write(to: folder + "/out") { (temporary: String) throws(Refused) -> Int in
            FileManager.default.createFile(atPath: temporary, contents: Data("whole".utf8))
            return 5
        }
        #expect(size == 5 && FileManager.default.contents(atPath: folder + "/out") == Data("whole".utf8))
    }

    @Test func errorsNameTheCallAndThePath() throws {
        let missing = try Self.folder() + "/no/such/folder/file"
        let error = #expect(throws: FileSystemError.self) { try DurableFile.write(Data("x".utf8), to: missing) }
        #expect(error?.code == .writeFailed)
        #expect(error?.operation == "create")
        #expect(error?.subject.hasPrefix(try Self.folder().components(separatedBy: "durable-").first ?? "/") == true)
        #expect(error?.message.contains("No such file or directory") == true, "\(error?.message ?? "")")
        #expect(error?.errorClass == .local)
    }

    @Test func removingWhatIsGoneIsFineButAFolderIsNot() throws {
        let folder = try Self.folder()
        try DurableFile.remove(folder + "/never-there")
        try FileManager.default.createDirectory(atPath: folder + "/dir", withIntermediateDirectories: true)
        let error = #expect(throws: FileSystemError.self) { try DurableFile.remove(folder + "/dir") }
        #expect(error?.code == .removeFailed)
    }
}
