import BackroomCore
import BackroomServices
import BackroomStore
import BackroomTestSupport
import Testing

@Suite("Sign-in and sign-up against abuse")
struct SignInLimitTests {
    static func limit(_ error: any Error) -> AbuseLimit? {
        if case .limit(let limit, _)? = (error as? BackroomError)?.detail { return limit }
        return nil
    }

    @Test("an attacker guessing from one address cannot lock the owner out from another")
    func ownerNotLockedOut() async throws {
        let test = try TestShop { $0.clientLimits.loginFailuresPerAccountAndClient = 5 }
        try await test.customer("ana@example.com")
        let attacker = ClientAddress("203.0.113.66")
        for _ in 0..<5 {
            await #expect {
                try await test.shop.auth.login(email: "ana@example.com", password: "guess horse", client: attacker)
            } throws: { ($0 as? BackroomError)?.code == .unauthenticated }
        }
        await #expect {
            try await test.shop.auth.login(email: "ana@example.com", password: "correct horse", client: attacker)
        } throws: { Self.limit($0) == .loginFailuresPerAccountAndClient }
        let grant = try await test.shop.auth.login(email: "ana@example.com", password: "correct horse", client: ClientAddress("198.51.100.7"))
        #expect(grant.user.email.rawValue == "ana@example.com")
    }

    @Test("guessing spread over many addresses meets the per-account ceiling; addresses the owner signed in from before are spared")
    func accountCeiling() async throws {
        let test = try TestShop {
            $0.clientLimits.loginFailuresPerAccountAndClient = 3
            $0.clientLimits.loginFailuresPerAccountPerHour = 6
        }
        try await test.customer("ana@example.com")
        let home = ClientAddress("198.51.100.7")
        _ = try await test.shop.auth.login(email: "ana@example.com", password: "correct horse", client: home)
        for index in 0..<6 {
            _ = try? await test.shop.auth.login(email: "ana@example.com", password: "guess horse", client: ClientAddress("203.0.113.\(index)"))
        }
        await #expect {
            try await test.shop.auth.login(email: "ana@example.com", password: "guess horse", client: ClientAddress("203.0.113.99"))
        } throws: { Self.limit($0) == .loginFailuresPerAccount }
        _ = try await test.shop.auth.login(email: "ana@example.com", password: "correct horse", client: home)
    }

    @Test("successful sign-ins do not use up the failure allowance")
    func successesAreFree() async throws {
        let test = try TestShop { $0.clientLimits.loginFailuresPerAccountAndClient = 2 }
        try await test.customer("ana@example.com")
        for _ in 0..<6 {
            _ = try await test.shop.auth.login(email: "ana@example.com", password: "correct horse", client: ClientAddress("198.51.100.7"))
        }
    }

    @Test("sign-ups per client address and shop-wide, checked before any hashing")
    func registrationRates() async throws {
        let test = try TestShop { $0.clientLimits.registrationsPerClientPerHour = 2 }
        let client = ClientAddress("203.0.113.5")
        for index in 0..<2 {
            _ = try await test.shop.users.register(email: "u\(index)@example.com", displayName: "U", password: "correct horse", client: client)
        }
        await #expect {
            try await test.shop.users.register(email: "u9@example.com", displayName: "U", password: "correct horse", client: client)
        } throws: { Self.limit($0) == .registrationsPerClientPerHour }
        #expect(try test.count("SELECT COUNT(*) FROM user") == 2)
    }

    @Test("an unknown or malformed email costs as much hashing as a wrong password (one bcrypt at the configured cost)")
    func timing() async throws {
        let test = try TestShop { $0.passwordCost = 8 }
        try await test.customer("ana@example.com")
        let executor = test.shop.passwordHasher.executor
        // CPU time on the hashing threads: exact where wall time under a
        // loaded test run is not.
        func cost(_ email: String) async -> Double {
            var spent: [UInt64] = []
            for _ in 0..<5 {
                let before = executor.cpuNanoseconds
                _ = try? await test.shop.auth.login(email: email, password: "wrong horse")
                spent.append(executor.cpuNanoseconds - before)
            }
            return Double(spent.sorted()[2])
        }
        _ = await cost("warm@example.com")
        let known = await cost("ana@example.com")
        let unknown = await cost("nobody@example.com")
        let malformed = await cost("not an email")
        #expect(known > 0)
        #expect(unknown / known > 0.8 && unknown / known < 1.25, "known \(known) ns, unknown \(unknown) ns")
        #expect(malformed / known > 0.8 && malformed / known < 1.25, "known \(known) ns, malformed \(malformed) ns")
    }
}
