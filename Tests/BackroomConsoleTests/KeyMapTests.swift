@testable import BackroomConsole
import BackroomCore
import TerminalKit
import Testing

/// The key map is one table; these keep it honest.
@Suite("Key map")
struct KeyMapTests {
    @Test("every key parses back from its name")
    func keysParse() {
        for binding in KeyMap.table {
            #expect(!binding.keys.isEmpty, "\(binding.action) has no key")
            for key in binding.keys {
                #expect(Key(spec: key.spec) == key, "\(binding.action): \(key.spec)")
            }
        }
    }

    @Test("no two bindings share a key where both apply")
    func noSharedKeys() {
        let map = KeyMap(role: .admin)
        for pane in PaneKind.allCases {
            for inDetail in [false, true] {
                for scope in KeyMap.scopes(pane: pane, inDetail: inDetail) {
                    var seen: [Key: ConsoleAction] = [:]
                    for binding in map.bindings where binding.scope == scope && map.applies(binding, to: pane) {
                        for key in binding.keys {
                            #expect(seen[key] == nil, "\(key.spec) is both \(seen[key].map { "\($0)" } ?? "") and \(binding.action) in \(scope)")
                            seen[key] = binding.action
                        }
                    }
                }
            }
        }
    }

    @Test("every action has a key, or is documented as reached otherwise")
    func everyActionBound() {
        let bound = Set(KeyMap.table.map(\.action))
        for action in ConsoleAction.allCases {
            #expect(bound.contains(action) || KeyMap.withoutKeys.contains(action), "\(action) has no binding")
        }
        #expect(KeyMap.withoutKeys.isDisjoint(with: bound), "an action both bound and listed as without keys")
    }

    @Test("destructive actions are exactly those that lose something")
    func destructive() {
        let destructive = Set(KeyMap.table.filter(\.isDestructive).map(\.action))
        #expect(destructive == [.archiveProduct, .cancel, .refund, .toggleDisabled, .resetPassword, .revokeTokens, .commitStockTake, .discardStockTake])
    }

    @Test("the role decides which keys exist; read-only removes every write", arguments: [
        (Role.viewer, false), (.operator, false), (.admin, false), (.admin, true),
    ])
    func roles(role: Role, readOnly: Bool) {
        let map = KeyMap(role: role, readOnly: readOnly)
        let writes = map.bindings.filter(\.writes).map(\.action)
        switch (role, readOnly) {
        case (.viewer, _), (_, true):
            #expect(writes.isEmpty, "\(role) read-only \(readOnly): \(writes)")
        case (.operator, _):
            #expect(writes.contains(.adjust) && writes.contains(.ship))
            #expect(!writes.contains(.newUser) && !writes.contains(.resetPassword), "operators do not manage users")
        default:
            #expect(writes.contains(.newUser) && writes.contains(.adjust))
        }
        // What is absent from the map is absent from help and footer too.
        let help = map.helpSections(pane: .inventory, inDetail: false).flatMap { $0.entries.map(\.text) }
        #expect(help.contains { $0.hasPrefix("Adjust by N") } == (role != .viewer && !readOnly))
        #expect(map.hints(pane: .inventory, inDetail: false).contains { $0.1 == "adjust…" } == (role != .viewer && !readOnly))
    }
}
