/// bcrypt as golang.org/x/crypto/bcrypt makes it for Sprig's `bcrypt` and `htpasswd`:
/// `$2a$`, the cost in two digits, 22 characters of salt and 31 of hash, in bcrypt's own
/// base64 alphabet; the password and a NUL, at most 72 bytes, keying an expensive Blowfish
/// schedule (2^cost rounds) that then encrypts "OrpheanBeholderScryDoubt" 64 times.
enum Bcrypt {
    static let defaultCost = 10
    static let maxPasswordBytes = 72

    struct TooLong: Error {}

    /// The hash of `password` with `salt` (16 bytes; random in Sprig, given in tests).
    static func hash(_ password: [UInt8], cost: Int = defaultCost, salt: [UInt8]) throws(TooLong) -> String {
        guard password.count <= maxPasswordBytes else { throw TooLong() }
        let key = password + [0]
        var cipher = Blowfish()
        cipher.expand(key: key, salt: salt)
        for _ in 0..<(1 << cost) {
            cipher.expand(key: key, salt: nil)
            cipher.expand(key: salt, salt: nil)
        }
        var text = Array("OrpheanBeholderScryDoubt".utf8)
        for block in stride(from: 0, to: text.count, by: 8) {
            var left = word(text, block), right = word(text, block + 4)
            for _ in 0..<64 { cipher.encrypt(&left, &right) }
            for (offset, value) in [(0, left), (4, right)] {
                for byte in 0..<4 { text[block + offset + byte] = UInt8(truncatingIfNeeded: value >> (24 - 8 * UInt32(byte))) }
            }
        }
        let costText = cost < 10 ? "0\(cost)" : "\(cost)"
        return "$2a$" + costText + "$" + base64(salt) + base64(Array(text.prefix(23)))
    }

    /// The hash of `password` with the cost and salt of `settings` (`$2a$05$` and 22 salt
    /// characters, or a whole hash): how a hash is checked.
    static func hash(_ password: [UInt8], settings: String) throws -> String? {
        let parts = settings.split(separator: "$", omittingEmptySubsequences: false)
        guard parts.count == 4, parts[1] == "2a", let cost = Int(parts[2]), (4...31).contains(cost), parts[3].utf8.count >= 22,
              let salt = decode64(Array(parts[3].utf8.prefix(22))), salt.count == 16 else { return nil }
        return try hash(password, cost: cost, salt: salt)
    }

    static func word(_ bytes: [UInt8], _ at: Int) -> UInt32 {
        (UInt32(bytes[at]) << 24) | (UInt32(bytes[at + 1]) << 16) | (UInt32(bytes[at + 2]) << 8) | UInt32(bytes[at + 3])
    }

    static let alphabet = Array("./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789".utf8)

    /// Base64 in bcrypt's alphabet, without padding.
    static func base64(_ bytes: [UInt8]) -> String {
        var out: [UInt8] = []
        for start in stride(from: 0, to: bytes.count, by: 3) {
            let chunk = Array(bytes[start..<min(start + 3, bytes.count)]) + [0, 0]
            let bits = (UInt32(chunk[0]) << 16) | (UInt32(chunk[1]) << 8) | UInt32(chunk[2])
            let count = min(bytes.count - start, 3) + 1
            for index in 0..<count { out.append(alphabet[Int((bits >> (18 - 6 * UInt32(index))) & 63)]) }
        }
        return String(decoding: out, as: UTF8.self)
    }

    static func decode64(_ text: [UInt8]) -> [UInt8]? {
        var bits: UInt32 = 0, count = 0, out: [UInt8] = []
        for character in text {
            guard let value = alphabet.firstIndex(of: character) else { return nil }
            bits = (bits << 6) | UInt32(value)
            count += 6
            if count >= 8 {
                count -= 8
                out.append(UInt8(truncatingIfNeeded: bits >> UInt32(count)))
            }
        }
        return out
    }
}

/// Blowfish's state: the P-array (18 words) and four S-boxes (256 words each) in one array,
/// starting from π's digits.
struct Blowfish {
    private var state = BlowfishDigits.words

    /// One block, as Blowfish encrypts it: 16 rounds of the S-box function.
    func encrypt(_ left: inout UInt32, _ right: inout UInt32) {
        state.withUnsafeBufferPointer { words in
            var l = left ^ words[0], r = right
            for round in stride(from: 1, through: 16, by: 2) {
                r ^= Self.mix(l, words) ^ words[round]
                l ^= Self.mix(r, words) ^ words[round + 1]
            }
            left = r ^ words[17]
            right = l
        }
    }

    private static func mix(_ x: UInt32, _ words: UnsafeBufferPointer<UInt32>) -> UInt32 {
        let a = words[18 + Int(x >> 24)], b = words[274 + Int((x >> 16) & 0xFF)]
        let c = words[530 + Int((x >> 8) & 0xFF)], d = words[786 + Int(x & 0xFF)]
        return ((a &+ b) ^ c) &+ d
    }

    /// The key schedule: the key cycled over the P-array, then every P and S word replaced by
    /// encrypting the running block, with `salt` (cycled) mixed into each block when given.
    mutating func expand(key: [UInt8], salt: [UInt8]?) {
        var position = 0
        for index in 0..<18 { state[index] ^= Self.cycled(key, &position) }
        var left: UInt32 = 0, right: UInt32 = 0, saltPosition = 0
        for index in stride(from: 0, to: state.count, by: 2) {
            if let salt {
                left ^= Self.cycled(salt, &saltPosition)
                right ^= Self.cycled(salt, &saltPosition)
            }
            encrypt(&left, &right)
            state[index] = left
            state[index + 1] = right
        }
    }

    /// The next four bytes of `bytes`, from `position`, wrapping round.
    private static func cycled(_ bytes: [UInt8], _ position: inout Int) -> UInt32 {
        var word: UInt32 = 0
        for _ in 0..<4 {
            word = (word << 8) | UInt32(bytes[position])
            position = (position + 1) % bytes.count
        }
        return word
    }
}
