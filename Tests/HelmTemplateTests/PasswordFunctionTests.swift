@testable import HelmTemplate
import Testing

/// Sprig's password functions: bcrypt against answers of libxcrypt (an independent
/// implementation: `crypt(3)` on Debian), and the step cost that bounds how often a release
/// may call an expensive function.
struct PasswordFunctionTests {
    /// (password, libxcrypt's hash): the salt and cost are read from the hash.
    static let knownAnswers: [(String, String)] = [
        ("U*U", "$2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW"),
        ("", "$2a$06$DCq7YPn5Rq63x1Lad4cll.TV4S6ytwfsfvkgY8jIucDrjc8deX1s."),
        ("password", "$2a$04$abcdefghijklmnopqrstuughE8Ev8uGFaUgY2cNEySvxngrb/Jzdm"),
        (String(repeating: "x", count: 72), "$2a$04$abcdefghijklmnopqrstuubzadhGtS2zEF.gu0yd0opP6cVzb.e0i"),
        ("é€", "$2a$04$abcdefghijklmnopqrstuuRAJ423vkZX8w8k.7eUpxHYlfv8t9MUC"),
    ]

    @Test func bcryptGivesLibxcryptsAnswers() throws {
        for (password, expected) in Self.knownAnswers {
            #expect(try Bcrypt.hash(Array(password.utf8), settings: expected) == expected, "\(password)")
        }
        #expect(throws: Bcrypt.TooLong.self) { try Bcrypt.hash(Array(repeating: 0x61, count: 73), cost: 4, salt: Array(repeating: 0, count: 16)) }
    }

    /// `bcrypt` and `htpasswd` make a cost-10 `$2a$` hash of the password with a new salt each time.
    @Test func sprigsBcryptHashesWithARandomSalt() throws {
        let first = try TemplateSet(files: ["t": #"{{ htpasswd "admin" "s3cret" }}"#]).render("t", data: [:])
        let hash = try #require(first.split(separator: ":", maxSplits: 1).last.map(String.init))
        #expect(first.hasPrefix("admin:$2a$10$") && hash.count == 60, "\(first)")
        #expect(try Bcrypt.hash(Array("s3cret".utf8), settings: hash) == hash)
        let second = try TemplateSet(files: ["t": #"{{ htpasswd "admin" "s3cret" }}"#]).render("t", data: [:])
        #expect(second != first, "a new salt each time")
    }

    /// A release cannot call an expensive function a million times: each call is charged as
    /// many steps as its work, so the budget ends it after about fifty (here cheap calls that
    /// are charged all the same: a user name with a colon is refused before hashing).
    @Test func expensiveFunctionsAreChargedAgainstTheStepBudget() throws {
        let template = #"{{ range until 1000 }}{{ htpasswd "a:b" "p" }}{{ end }}"#
        let budget = Executor.Limits().steps, cost = FunctionCosts.steps["htpasswd"] ?? 0
        #expect(cost > 0 && budget / cost < 100)
        #expect { try TemplateSet(files: ["t": template]).render("t", data: [:]) } throws: { ($0 as? TemplateError)?.limit == .steps }
        #expect(try TemplateSet(files: ["t": #"{{ range until 3 }}{{ htpasswd "a:b" "p" }}{{ end }}"#]).render("t", data: [:]).hasPrefix("invalid username: a:b"))
    }
}
