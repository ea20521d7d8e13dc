import ArgumentParser
import BackroomCore
import Foundation

/// Runs a command body and turns failures into one clear line on stderr and
/// a non-zero exit, instead of a stack of framework text.
func reportingErrors(_ body: () async throws -> Void) async throws {
    do {
        try await body()
    } catch let error as BackroomError {
        printError(error.field.map { "\($0): \(error.message)" } ?? error.message)
        throw ExitCode(error.code == .validationFailed ? 64 : 1)
    } catch let error as ExitCode {
        throw error
    } catch {
        printError(String(describing: error))
        throw ExitCode(1)
    }
}

func printError(_ message: String) {
    FileHandle.standardError.write(Data("backroom: error: \(message)\n".utf8))
}

func printNote(_ message: String) {
    FileHandle.standardError.write(Data("\(message)\n".utf8))
}

/// `1,000,000`
func grouped(_ value: Int) -> String {
    let digits = String(value.magnitude)
    var result = ""
    for (index, character) in digits.enumerated() {
        if index > 0 && (digits.count - index) % 3 == 0 { result.append(",") }
        result.append(character)
    }
    return value < 0 ? "-" + result : result
}
