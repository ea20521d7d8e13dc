import ArgumentParser
import BackroomApp
import Foundation

struct SettingsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "settings",
        abstract: "List every server setting with its default.",
        discussion: """
            Set them in a YAML file (--config; nested keys like `limits:` then `lines_per_cart: 20`), \
            as environment variables (BACKROOM_ + the key in capitals, dots as underscores: \
            BACKROOM_LIMITS_LINES_PER_CART=20) or with --set key=value; flags win over the environment, \
            which wins over the file.
            """
    )

    func run() throws {
        let width = SettingsCatalog.entries.map(\.key.count).max() ?? 20
        let defaults = SettingsCatalog.entries.map(\.defaultValue.count).max() ?? 10
        for entry in SettingsCatalog.entries {
            let key = entry.key.padding(toLength: width, withPad: " ", startingAt: 0)
            let value = entry.defaultValue.padding(toLength: defaults, withPad: " ", startingAt: 0)
            print("\(key)  \(value)  \(entry.meaning)")
        }
    }
}
