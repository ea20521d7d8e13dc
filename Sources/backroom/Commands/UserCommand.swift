import ArgumentParser
import BackroomApp
import BackroomCore
import BackroomServices
import BackroomStore
import Foundation

struct UserCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "user",
        abstract: "Manage accounts from the shell (to bootstrap an admin).",
        subcommands: [UserAddCommand.self, UserListCommand.self]
    )
}

struct UserAddCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "add", abstract: "Create an account.")

    @OptionGroup var store: StoreOptions

    @Option(help: "The account's email (its login).")
    var email: String

    @Option(help: "customer, viewer, operator or admin.")
    var role: String

    @Option(help: "The display name (default: the part of the email before @).")
    var name: String?

    @Flag(help: "Read the password from the first line of standard input.")
    var passwordStdin = false

    @Option(help: "bcrypt cost.")
    var passwordCost: UInt8 = 12

    func validate() throws {
        guard passwordStdin else {
            throw ValidationError("Give --password-stdin and pipe the password in, so it stays out of shell history.")
        }
        guard (4...15).contains(passwordCost) else { throw ValidationError("--password-cost must be between 4 and 15.") }
    }

    func run() async throws {
        try await reportingErrors {
            let role = try Role(parsing: role)
            let address = try Email(email)
            guard let line = readLine(strippingNewline: true), !line.isEmpty else {
                throw BackroomError.validation("password", "No password on standard input.")
            }
            _ = try UserRules.password(line)
            let opened = try await store.open(create: true)
            defer { opened.closeNow() }
            let shop = Shop(store: opened.store, currency: opened.currency, configuration: ShopConfiguration(passwordCost: passwordCost))
            let user = try await shop.users.create(
                email: address.rawValue, displayName: name ?? address.localPart, role: role, password: line,
                by: .system("cli")
            )
            print("created \(user.role.rawValue) \(user.email) (id \(user.id))")
        }
    }
}

struct UserListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List accounts.")

    @OptionGroup var store: StoreOptions

    @Option(help: "Only this role.")
    var role: String?

    @Option(help: "Words to find in email or name.")
    var search: String?

    @Option(help: "How many to show.")
    var limit = 50

    func validate() throws {
        guard (1...ListWindow.maximumLimit).contains(limit) else {
            throw ValidationError("--limit must be between 1 and \(ListWindow.maximumLimit).")
        }
    }

    func run() async throws {
        try await reportingErrors {
            let role = try role.map { text throws(BackroomError) in try Role(parsing: text) }
            let opened = try await store.open(create: false)
            defer { opened.closeNow() }
            let shop = Shop(store: opened.store, currency: opened.currency)
            let filter = UserFilter(text: search, role: role)
            let window = try await shop.users.users(matching: filter, sort: UserSort(.email), window: ListWindow(limit: limit), by: .system("cli"))
            let total = try await shop.users.count(matching: filter, by: .system("cli"))
            let emailWidth = max(5, window.items.map(\.email.rawValue.count).max() ?? 0)
            print("ID".padding(toLength: 8, withPad: " ", startingAt: 0) + "EMAIL".padding(toLength: emailWidth + 2, withPad: " ", startingAt: 0) + "ROLE      STATUS    LAST LOGIN")
            for user in window.items {
                let lastLogin = user.lastLoginAt.map { String($0.iso8601.prefix(16)).replacingOccurrences(of: "T", with: " ") } ?? "never"
                print(
                    String(user.id).padding(toLength: 8, withPad: " ", startingAt: 0)
                        + user.email.rawValue.padding(toLength: emailWidth + 2, withPad: " ", startingAt: 0)
                        + user.role.rawValue.padding(toLength: 10, withPad: " ", startingAt: 0)
                        + user.status.rawValue.padding(toLength: 10, withPad: " ", startingAt: 0)
                        + lastLogin
                )
            }
            print("\(window.items.count) of \(grouped(total)) users")
        }
    }
}
