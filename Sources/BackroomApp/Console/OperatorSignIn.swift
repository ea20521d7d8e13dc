import BackroomCore
import BackroomServices
import Foundation

/// Who is at the keyboard: a real staff account, signed in before the
/// console takes the terminal. Its role decides what the console offers,
/// and the audit log records it.
public enum OperatorSignIn {
    /// The demo store's operator when `--demo` names none.
    public static let demoOperator = "admin@backroom.local"
    static let attempts = 3

    /// The signed-in operator, and the session the console opened for it
    /// (ended when the console exits), if it opened one.
    public struct Session: Sendable {
        public var principal: Principal
        public var token: String?
        public var openedHere: Bool
    }

    /// Signs the operator in:
    /// - `--token` (or `$BACKROOM_TOKEN`): the account the token belongs to;
    ///   `--operator`, when given too, must be that account.
    /// - `--demo`: the demo staff account `--operator` names (the admin by
    ///   default), without a password: the demo store is the console's own.
    /// - otherwise `--operator EMAIL` and that account's password, asked on
    ///   the terminal (three tries).
    public static func signIn(
        email: String?, token: String?, demo: Bool, shop: Shop,
        readPassword: @Sendable (String) throws -> String? = PasswordPrompt.read
    ) async throws -> Session {
        if let token {
            let user: User
            do {
                user = try await shop.auth.authenticate(token: token)
            } catch let error as BackroomError {
                throw BackroomError.unauthenticated("The token was refused: \(error.message)")
            }
            try AuthService.requireStaff(user)
            if let email, (try? Email(email)) != user.email {
                throw BackroomError.validation("operator", "The token belongs to \(user.email), not \(email).")
            }
            return Session(principal: user.principal, token: token, openedHere: false)
        }
        if demo {
            let user = try await shop.auth.staffAccount(email ?? demoOperator)
            return Session(principal: user.principal, token: nil, openedHere: false)
        }
        guard let email else {
            throw BackroomError.validation(
                "operator", "Who is operating? Give --operator EMAIL (a staff account; the console asks its password), --token TOKEN, or --demo."
            )
        }
        let account = try await shop.auth.staffAccount(email)
        var lastError: (any Error)?
        for attempt in 1...attempts {
            let prompt = attempt == 1 ? "Password for \(account.email): " : "Wrong email or password; try again: "
            guard let password = try readPassword(prompt), !password.isEmpty else {
                throw BackroomError.unauthenticated("No password given for \(account.email).")
            }
            do {
                let grant = try await shop.auth.login(email: account.email.rawValue, password: password)
                try AuthService.requireStaff(grant.user)
                return Session(principal: grant.user.principal, token: grant.token, openedHere: true)
            } catch let error as BackroomError where error.code == .unauthenticated {
                lastError = error
            }
        }
        throw lastError ?? BackroomError.unauthenticated("The email or the password is wrong.")
    }
}

/// Reads a password from the terminal with echo off (`/dev/tty`, so it
/// works whatever standard input is), or a line of standard input when
/// there is no terminal.
public enum PasswordPrompt {
    @Sendable
    public static func read(_ prompt: String) throws -> String? {
        let terminal = open("/dev/tty", O_RDWR | O_NOCTTY)
        guard terminal >= 0 else {
            FileHandle.standardError.write(Data(prompt.utf8))
            return readLine(strippingNewline: true)
        }
        defer { close(terminal) }
        _ = prompt.withCString { write(terminal, $0, strlen($0)) }
        var saved = termios()
        let hasAttributes = tcgetattr(terminal, &saved) == 0
        if hasAttributes {
            var quiet = saved
            quiet.c_lflag &= ~tcflag_t(ECHO)
            quiet.c_lflag |= tcflag_t(ICANON)
            tcsetattr(terminal, TCSAFLUSH, &quiet)
        }
        defer {
            if hasAttributes { tcsetattr(terminal, TCSAFLUSH, &saved) }
            _ = write(terminal, "\n", 1)
        }
        var bytes: [UInt8] = []
        var byte: UInt8 = 0
        while Glibc.read(terminal, &byte, 1) == 1 {
            if byte == 10 || byte == 13 { return String(decoding: bytes, as: UTF8.self) }
            bytes.append(byte)
            if bytes.count > 4096 { break }
        }
        return bytes.isEmpty ? nil : String(decoding: bytes, as: UTF8.self)
    }
}
