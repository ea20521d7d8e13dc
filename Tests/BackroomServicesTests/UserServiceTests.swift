import BackroomCore
import BackroomServices
import BackroomStore
import BackroomTestSupport
import Foundation
import GRDB
import Testing

@Suite("Users and auth")
struct UserServiceTests {
    @Test("signing up with a taken email answers as for a new one and changes nothing; a bad email is validation_failed")
    func creation() async throws {
        let test = try TestShop()
        let first = try await test.shop.users.register(email: "Ana@Example.com", displayName: "Ana", password: "correct horse")
        let again = try await test.shop.users.register(email: "ana@example.com", displayName: "Ana again", password: "another horse")
        #expect(first == again)
        #expect(try await test.store.credentials(for: first.email)?.user.displayName == "Ana")
        _ = try await test.shop.auth.login(email: "ana@example.com", password: "correct horse")
        await #expect {
            try await test.shop.users.register(email: "not-an-email", displayName: "X", password: "correct horse")
        } throws: { error in
            (error as? BackroomError)?.code == .validationFailed && (error as? BackroomError)?.field == "email"
        }
        await #expect {
            try await test.shop.users.register(email: "b@example.com", displayName: "B", password: "short")
        } throws: { ($0 as? BackroomError)?.field == "password" }
        #expect(try test.count("SELECT COUNT(*) FROM user") == 1)
    }

    @Test("login verifies the password and issues a working token")
    func login() async throws {
        let test = try TestShop()
        let user = try await test.customer("ana@example.com", name: "Ana")
        await #expect {
            try await test.shop.auth.login(email: "ana@example.com", password: "wrong horse")
        } throws: { ($0 as? BackroomError)?.code == .unauthenticated }
        await #expect {
            try await test.shop.auth.login(email: "nobody@example.com", password: "correct horse")
        } throws: { ($0 as? BackroomError)?.message == "The email or the password is wrong." }
        let grant = try await test.shop.auth.login(email: "ANA@example.com", password: "correct horse")
        #expect(grant.token.hasPrefix("brt_"))
        #expect(try await test.shop.auth.authenticate(token: grant.token).id == user.id)
        #expect(try await test.shop.users.user(id: user.id, by: user.principal).lastLoginAt == test.clock.now())
    }

    @Test("the tokens table holds only SHA-256 hashes, never the token")
    func tokensAreHashed() async throws {
        let test = try TestShop()
        _ = try await test.shop.users.register(email: "ana@example.com", displayName: "Ana", password: "correct horse")
        let grant = try await test.shop.auth.login(email: "ana@example.com", password: "correct horse")
        let rows = try test.store.pool.read { db in try Row.fetchAll(db, sql: "SELECT * FROM api_token") }
        #expect(rows.count == 1)
        for row in rows {
            for (_, value) in row {
                #expect(!value.description.contains(grant.token))
                if case .blob(let data) = value.storage { #expect(!String(decoding: data, as: UTF8.self).contains(grant.token)) }
            }
            #expect((row["token_hash"] as Data) == Data(APIToken.hash(grant.token)))
        }
    }

    @Test("tokens expire and can be revoked one by one or all at once")
    func expiryAndRevocation() async throws {
        let test = try TestShop()
        let user = try await test.customer("ana@example.com", name: "Ana")
        let first = try await test.shop.auth.login(email: "ana@example.com", password: "correct horse")
        let second = try await test.shop.auth.login(email: "ana@example.com", password: "correct horse")
        try await test.shop.auth.logout(token: first.token)
        await #expect { try await test.shop.auth.authenticate(token: first.token) } throws: { ($0 as? BackroomError)?.code == .unauthenticated }
        _ = try await test.shop.auth.authenticate(token: second.token)
        #expect(try await test.shop.users.revokeTokens(of: user.id, by: TestShop.admin) == 1)
        await #expect { try await test.shop.auth.authenticate(token: second.token) } throws: { ($0 as? BackroomError)?.code == .unauthenticated }
        let third = try await test.shop.auth.login(email: "ana@example.com", password: "correct horse")
        test.clock.advance(seconds: test.shop.configuration.tokenLifetimeSeconds + 1)
        await #expect { try await test.shop.auth.authenticate(token: third.token) } throws: { ($0 as? BackroomError)?.code == .unauthenticated }
        await #expect { try await test.shop.auth.authenticate(token: "brt_garbage") } throws: { ($0 as? BackroomError)?.code == .unauthenticated }
    }

    @Test("a disabled user cannot log in and their tokens stop working")
    func disabled() async throws {
        let test = try TestShop()
        let user = try await test.customer("ana@example.com", name: "Ana")
        let grant = try await test.shop.auth.login(email: "ana@example.com", password: "correct horse")
        _ = try await test.shop.users.disable(user.id, by: TestShop.admin)
        await #expect { try await test.shop.auth.authenticate(token: grant.token) } throws: { ($0 as? BackroomError)?.code == .unauthenticated }
        await #expect {
            try await test.shop.auth.login(email: "ana@example.com", password: "correct horse")
        } throws: { ($0 as? BackroomError)?.message == "This account is disabled." }
        _ = try await test.shop.users.enable(user.id, by: TestShop.admin)
        // Old sessions stay ended after re-enabling; a new login works.
        await #expect { try await test.shop.auth.authenticate(token: grant.token) } throws: { ($0 as? BackroomError)?.code == .unauthenticated }
        _ = try await test.shop.auth.login(email: "ana@example.com", password: "correct horse")
        let audit = try await test.shop.audit.entries(window: ListWindow(), by: TestShop.admin)
        #expect(audit.items.map(\.action) == ["user.enable", "user.disable"])
    }

    @Test("password reset replaces the password and ends sessions")
    func passwordReset() async throws {
        let test = try TestShop()
        let user = try await test.customer("ana@example.com", name: "Ana")
        let grant = try await test.shop.auth.login(email: "ana@example.com", password: "correct horse")
        let generated = try await test.shop.users.resetPassword(of: user.id, by: TestShop.admin)
        #expect(generated.count == 16)
        await #expect { try await test.shop.auth.authenticate(token: grant.token) } throws: { ($0 as? BackroomError)?.code == .unauthenticated }
        await #expect { try await test.shop.auth.login(email: "ana@example.com", password: "correct horse") } throws: { ($0 as? BackroomError)?.code == .unauthenticated }
        _ = try await test.shop.auth.login(email: "ana@example.com", password: generated)
    }

    @Test("only admins manage users; nobody disables themselves")
    func userPermissions() async throws {
        let test = try TestShop()
        let user = try await test.customer("ana@example.com", name: "Ana")
        await #expect {
            try await test.shop.users.changeRole(of: user.id, to: .admin, by: TestShop.operatorPrincipal)
        } throws: { ($0 as? BackroomError)?.code == .forbidden }
        let admin = try await test.shop.users.create(email: "boss@example.com", displayName: "Boss", role: .admin, password: "correct horse", by: TestShop.admin)
        await #expect {
            try await test.shop.users.disable(admin.id, by: admin.principal)
        } throws: { ($0 as? BackroomError)?.code == .conflict }
    }
}
