@testable import Commands
import Foundation
import Testing

/// One rule for a password on standard input, whichever flag reads it: one trailing line break
/// (LF, CRLF or CR) goes, nothing else; empty is refused.
struct PasswordInputTests {
    @Test(arguments: [("s3cret\n", "s3cret"), ("s3cret\r\n", "s3cret"), ("s3cret", "s3cret"), ("s3cret\r", "s3cret"), (" spaced \n", " spaced "), ("two\n\n", "two\n")])
    func oneTrailingLineBreakGoes(_ input: String, _ password: String) throws {
        #expect(try PasswordInput.parse(Data(input.utf8), flag: "--password-stdin") == password)
    }

    @Test func emptyIsRefusedNamingTheFlag() {
        #expect(throws: (any Error).self) { try PasswordInput.parse(Data("\n".utf8), flag: "--mirror-password-stdin") }
    }
}
