import BackroomCore
import Foundation
import Synchronization

/// A stand-in provider that behaves like a real one where it matters: it
/// charges an idempotency key once and answers repeats with the first
/// outcome, and it can be told to decline, fail, time out or succeed late.
/// With a journal file, what it charged survives a crash of the process, so
/// recovery after `kill -9` can look charges up as with a real provider.
public final class SimulatedPaymentProvider: PaymentProvider {
    public enum Behaviour: Sendable, Hashable {
        case approve
        case decline
        /// Fails before charging (a network error on the way there).
        case fail
        /// Takes the charge and never answers.
        case hang
        /// Charges at once, answers after `seconds`.
        case succeedLate(seconds: Double)
        /// Answers after `seconds`, then charges.
        case approveAfter(seconds: Double)
    }

    public struct Charge: Sendable, Hashable, Codable {
        public var key: String
        public var order: String
        public var amountMinorUnits: Int64
        public var reference: String
    }

    private enum KeyState {
        case processing
        case charged(String)
        case declined(String)
    }

    private struct State {
        var keys: [String: KeyState] = [:]
        var charges: [Charge] = []
        var calls = 0
    }

    private let behaviour: Mutex<Behaviour>
    private let state = Mutex(State())
    private let journal: FileHandle?

    /// - Parameter journalPath: a file that records every charge (one JSON
    ///   line each, flushed to disk before the charge is answered); read back
    ///   when the provider starts.
    public init(behaviour: Behaviour = .approve, journalPath: String? = nil) throws {
        self.behaviour = Mutex(behaviour)
        if let journalPath {
            if !FileManager.default.fileExists(atPath: journalPath) {
                _ = FileManager.default.createFile(atPath: journalPath, contents: nil)
            }
            let data = (try? Data(contentsOf: URL(fileURLWithPath: journalPath))) ?? Data()
            var loaded = State()
            for line in data.split(separator: UInt8(ascii: "\n")) where !line.isEmpty {
                guard let charge = try? JSONDecoder().decode(Charge.self, from: Data(line)) else { continue }
                loaded.keys[charge.key] = .charged(charge.reference)
                loaded.charges.append(charge)
            }
            state.withLock { $0 = loaded }
            guard let handle = FileHandle(forWritingAtPath: journalPath) else {
                throw BackroomError(.unavailable, "Cannot write the payment journal \(journalPath).")
            }
            handle.seekToEndOfFile()
            journal = handle
        } else {
            journal = nil
        }
    }

    /// The provider that approves everything, kept in memory.
    public convenience init(declineAll: Bool = false) {
        try! self.init(behaviour: declineAll ? .decline : .approve, journalPath: nil)
    }

    public func setBehaviour(_ value: Behaviour) {
        behaviour.withLock { $0 = value }
    }

    /// From now on, decline (or approve) every charge.
    public func setDeclining(_ value: Bool) {
        setBehaviour(value ? .decline : .approve)
    }

    /// Every charge taken, in order (a key appears once).
    public var charges: [Charge] { state.withLock { $0.charges } }

    /// Charge requests received, repeats included.
    public var calls: Int { state.withLock { $0.calls } }

    public func charge(_ request: PaymentRequest) async throws -> String {
        let current = behaviour.withLock { $0 }
        enum Step { case answer(KeyState), proceed, wait }
        let step: Step = state.withLock { state in
            state.calls += 1
            switch state.keys[request.idempotencyKey] {
            case .charged(let reference): return .answer(.charged(reference))
            case .declined(let reason): return .answer(.declined(reason))
            case .processing: return .wait
            case nil:
                state.keys[request.idempotencyKey] = .processing
                return .proceed
            }
        }
        switch step {
        case .answer(.charged(let reference)): return reference
        case .answer(.declined(let reason)): throw BackroomError(.paymentDeclined, reason)
        case .answer(.processing), .wait:
            throw SimulatedProviderError.keyInProgress
        case .proceed:
            break
        }
        switch current {
        case .approve:
            return try record(request)
        case .decline:
            let reason = "The payment for \(request.order) was declined (simulated)."
            state.withLock { $0.keys[request.idempotencyKey] = .declined(reason) }
            throw BackroomError(.paymentDeclined, reason)
        case .fail:
            _ = state.withLock { $0.keys.removeValue(forKey: request.idempotencyKey) }
            throw SimulatedProviderError.connectionFailed
        case .hang:
            while true { try await Task.sleep(for: .seconds(3600)) }
        case .succeedLate(let seconds):
            let reference = try record(request)
            try? await Task.sleep(for: .milliseconds(Int64(seconds * 1000)))
            return reference
        case .approveAfter(let seconds):
            try? await Task.sleep(for: .milliseconds(Int64(seconds * 1000)))
            return try record(request)
        }
    }

    public func lookup(idempotencyKey: String) async throws -> PaymentLookup {
        state.withLock { state in
            switch state.keys[idempotencyKey] {
            case .charged(let reference): .charged(reference: reference)
            case .declined(let reason): .declined(reason: reason)
            case .processing: .processing
            case nil: .notFound
            }
        }
    }

    private func record(_ request: PaymentRequest) throws -> String {
        let reference = "sim_\(request.order.rawValue)_\(request.attempt)_\(String(UInt32.random(in: 0...UInt32.max), radix: 36))"
        let charge = Charge(key: request.idempotencyKey, order: request.order.rawValue, amountMinorUnits: request.amount.minorUnits, reference: reference)
        try state.withLock { state in
            if let journal {
                var line = try JSONEncoder().encode(charge)
                line.append(UInt8(ascii: "\n"))
                journal.write(line)
                try journal.synchronize()
            }
            state.keys[request.idempotencyKey] = .charged(reference)
            state.charges.append(charge)
        }
        return reference
    }
}

enum SimulatedProviderError: Error, CustomStringConvertible {
    case connectionFailed
    case keyInProgress

    var description: String {
        switch self {
        case .connectionFailed: "the simulated provider could not be reached"
        case .keyInProgress: "the simulated provider is still processing this key"
        }
    }
}
