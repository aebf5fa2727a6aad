import Crypto
import Foundation
import _CryptoExtras

/// Sprig's password and encryption functions: `bcrypt` and `htpasswd` (bcrypt, cost 10, a
/// random salt), `derivePassword` (the Master Password algorithm: scrypt, then HMAC-SHA256
/// picking characters from a template), `encryptAES`/`decryptAES` (AES-256-CBC, the password
/// zero-padded to the key, a random IV before the ciphertext, base64). Random where Sprig's
/// are; each costs the release steps in proportion to its work (`FunctionCosts`).
enum SprigPasswords {
    static let table: FunctionTable = [
        "bcrypt": { args, _ in .string(bcrypt(SprigStrings.stringify(args[0]))) },
        "htpasswd": { args, _ in
            let user = SprigStrings.stringify(args[0])
            if user.contains(":") { return .string("invalid username: \(user)") }
            return .string(user + ":" + bcrypt(SprigStrings.stringify(args[1])))
        },
        "derivePassword": { args, _ in
            .string(try derivePassword(counter: SprigData.toInt(args[0]), type: SprigStrings.stringify(args[1]), password: SprigStrings.stringify(args[2]),
                                       user: SprigStrings.stringify(args[3]), site: SprigStrings.stringify(args[4])))
        },
        "encryptAES": { args, _ in .string(try encrypt(password: SprigStrings.stringify(args[0]), SprigStrings.stringify(args[1]))) },
        "decryptAES": { args, _ in .string(try decrypt(password: SprigStrings.stringify(args[0]), SprigStrings.stringify(args[1]))) },
    ]

    static func bcrypt(_ password: String) -> String {
        let salt = (0..<16).map { _ in UInt8.random(in: 0...255) }
        do {
            return try Bcrypt.hash(Array(password.utf8), salt: salt)
        } catch {
            return "failed to encrypt string with bcrypt: bcrypt: password length exceeds \(Bcrypt.maxPasswordBytes) bytes"
        }
    }

    static let passwordTemplates: [String: [String]] = [
        "maximum": ["anoxxxxxxxxxxxxxxxxx", "axxxxxxxxxxxxxxxxxno"],
        "long": ["CvcvnoCvcvCvcv", "CvcvCvcvnoCvcv", "CvcvCvcvCvcvno", "CvccnoCvcvCvcv", "CvccCvcvnoCvcv", "CvccCvcvCvcvno", "CvcvnoCvccCvcv",
                 "CvcvCvccnoCvcv", "CvcvCvccCvcvno", "CvcvnoCvcvCvcc", "CvcvCvcvnoCvcc", "CvcvCvcvCvccno", "CvccnoCvccCvcv", "CvccCvccnoCvcv",
                 "CvccCvccCvcvno", "CvcvnoCvccCvcc", "CvcvCvccnoCvcc", "CvcvCvccCvccno", "CvccnoCvcvCvcc", "CvccCvcvnoCvcc", "CvccCvcvCvccno"],
        "medium": ["CvcnoCvc", "CvcCvcno"],
        "short": ["Cvcn"],
        "basic": ["aaanaaan", "aannaaan", "aaannaaa"],
        "pin": ["nnnn"],
    ]

    static let passwordCharacters: [Character: [UInt8]] = [
        "V": Array("AEIOU".utf8), "C": Array("BCDFGHJKLMNPQRSTVWXYZ".utf8), "v": Array("aeiou".utf8),
        "c": Array("bcdfghjklmnpqrstvwxyz".utf8), "A": Array("AEIOUBCDFGHJKLMNPQRSTVWXYZ".utf8),
        "a": Array("AEIOUaeiouBCDFGHJKLMNPQRSTVWXYZbcdfghjklmnpqrstvwxyz".utf8), "n": Array("0123456789".utf8),
        "o": Array("@&%?,=[]_:-+*$#!'^~;()/.".utf8), "x": Array("AEIOUaeiouBCDFGHJKLMNPQRSTVWXYZbcdfghjklmnpqrstvwxyz0123456789!@#$%^&*()".utf8),
    ]

    /// The Master Password algorithm (scrypt N=32768, r=8, p=2 of the user's name, then the
    /// site and counter signed with that key choose a template and its characters).
    static func derivePassword(counter: Int, type: String, password: String, user: String, site: String) throws -> String {
        guard let templates = passwordTemplates[type] else { return "cannot find password template \(type)" }
        let scope = Array("com.lyndir.masterpassword".utf8)
        func length(_ text: String) -> [UInt8] { bigEndian(UInt32(truncatingIfNeeded: text.utf8.count)) }
        let salt = scope + length(user) + Array(user.utf8)
        let key = try KDF.Scrypt.deriveKey(from: Array(password.utf8), salt: salt, outputByteCount: 64, rounds: 32768, blockSize: 8, parallelism: 2)
        let message = scope + length(site) + Array(site.utf8) + bigEndian(UInt32(truncatingIfNeeded: counter))
        let seed = Array(HMAC<SHA256>.authenticationCode(for: message, using: key))
        let template = templates[Int(seed[0]) % templates.count]
        var out: [UInt8] = []
        for (index, kind) in template.enumerated() {
            let characters = passwordCharacters[kind] ?? []
            out.append(characters[Int(seed[index + 1]) % characters.count])
        }
        return String(decoding: out, as: UTF8.self)
    }

    static func bigEndian(_ value: UInt32) -> [UInt8] { (0..<4).map { UInt8(truncatingIfNeeded: value >> (24 - 8 * UInt32($0))) } }

    static func aesKey(_ password: String) -> SymmetricKey {
        SymmetricKey(data: Array((Array(password.utf8) + [UInt8](repeating: 0, count: 32)).prefix(32)))
    }

    static func encrypt(password: String, _ plaintext: String) throws -> String {
        guard !plaintext.isEmpty else { return "" }
        var content = Array(plaintext.utf8)
        let padding = 16 - content.count % 16
        content += [UInt8](repeating: UInt8(padding), count: padding)
        let iv = (0..<16).map { _ in UInt8.random(in: 0...255) }
        let sealed = try AES._CBC.encrypt(content, using: aesKey(password), iv: AES._CBC.IV(ivBytes: iv), noPadding: true)
        return Data(iv + sealed).base64EncodedString()
    }

    /// Go panics on what cannot be decrypted; its messages, as Helm reports them.
    static func decrypt(password: String, _ text: String) throws -> String {
        guard !text.isEmpty else { return "" }
        guard let data = Data(base64Encoded: text) else {
            let bad = text.utf8.firstIndex { !"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=".utf8.contains($0) }
            throw FunctionError("illegal base64 data at input byte \(bad.map { text.utf8.distance(from: text.utf8.startIndex, to: $0) } ?? text.utf8.count)")
        }
        let bytes = Array(data)
        guard bytes.count >= 16 else { throw FunctionError("runtime error: slice bounds out of range [:16] with capacity \(bytes.count)") }
        guard (bytes.count - 16) % 16 == 0 else { throw FunctionError("crypto/cipher: input not full blocks") }
        let opened = Array(try AES._CBC.decrypt(bytes[16...], using: aesKey(password), iv: AES._CBC.IV(ivBytes: bytes[..<16]), noPadding: true))
        guard let padding = opened.last.map(Int.init) else { throw FunctionError("runtime error: index out of range [-1]") }
        guard padding <= opened.count else { throw FunctionError("runtime error: slice bounds out of range [:\(opened.count - padding)]") }
        return String(decoding: opened[..<(opened.count - padding)], as: UTF8.self)
    }
}
