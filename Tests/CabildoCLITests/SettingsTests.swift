import ArgumentParser
import CabildoCore
import CabildoStore
import CabildoWeb
import Testing
@testable import CabildoCLI

/// The command line's flags and the environment feed one `AppConfig`, read by one reader.
@Suite struct SettingsTests {
    @Test func serveFlagsGoOverTheEnvironment() throws {
        // given: every place a listening address and a database can come from
        let environment = ["CABILDO_HOST": "0.0.0.0", "CABILDO_PORT": "8081", "CABILDO_DATABASE": "env.sqlite",
                           "CABILDO_RATE_LOGIN": "3/30"]
        // when / then: a flag wins over its variable, a variable over the default
        let flagged = try Serve.parse(["--port", "9090", "--database", "flag.sqlite"]).config(environment: environment)
        #expect(flagged.host == "0.0.0.0" && flagged.port == 9090 && flagged.databasePath == "flag.sqlite")
        #expect(flagged.rateLimits.login == RateLimit(3, per: 30))
        let unflagged = try Serve.parse([]).config(environment: environment)
        #expect(unflagged.port == 8081 && unflagged.databasePath == "env.sqlite")
        let defaults = try Serve.parse([]).config(environment: [:])
        #expect(defaults.host == "127.0.0.1" && defaults.port == 8080 && defaults.databasePath == "cabildo.sqlite")
    }

    @Test func serveRefusesABadValueByNameSayingWhatIsAccepted() throws {
        for (name, value, accepted) in [("CABILDO_RATE_LIMITS", "maybe", "on or off"),
                                        ("CABILDO_PORT", "ochenta", "a whole number from 0 to 65535"),
                                        ("CABILDO_LOG_LEVEL", "loud", "trace, debug, info, notice, warning, error or critical")] {
            let error = #expect(throws: ArgumentParser.ValidationError.self, "\(name)=\(value)") {
                try Serve.parse(["--port", "9090"]).config(environment: [name: value])
            }
            #expect(error?.message == "invalid value for \(name): \(value) (accepted: \(accepted))")
        }
    }

    @Test func aPostgresURLIsServedButRefusedByTheCommandsThatWorkOnAFile() throws {
        for environment in [["CABILDO_DATABASE": "postgres://cabildo@127.0.0.1/forum"], [:]] {
            let arguments = environment.isEmpty ? ["--database", "postgresql://cabildo@db/forum"] : []
            // serve takes the URL
            let config = try Serve.parse(arguments).config(environment: environment)
            guard case .postgres = StoreLocation(config.databasePath) else {
                Issue.record("not read as PostgreSQL: \(config.databasePath)")
                continue
            }
            // backup, restore and seed say what to use instead
            for (command, advice) in [("backup", "pg_dump"), ("restore", "pg_dump"), ("seed", "cabildo copy")] {
                let error = #expect(throws: ArgumentParser.ValidationError.self) {
                    try DatabaseOption.parse(arguments).sqlitePath(for: command, environment: environment)
                }
                #expect(error?.message.contains(advice) == true, "\(command): \(error?.message ?? "")")
            }
        }
    }

    @Test func theDatabaseAloneIgnoresOtherSettings() throws {
        // A mistake elsewhere in the settings must not stop a backup or a restore.
        let environment = ["CABILDO_DATABASE": "env.sqlite", "CABILDO_PORT": "ochenta"]
        #expect(try DatabaseOption.parse([]).sqlitePath(for: "backup", environment: environment) == "env.sqlite")
        #expect(try DatabaseOption.parse(["--database", "flag.sqlite"]).sqlitePath(for: "backup", environment: environment) == "flag.sqlite")
        #expect(try DatabaseOption.parse([]).sqlitePath(for: "backup", environment: [:]) == "cabildo.sqlite")
        #expect(throws: ArgumentParser.ValidationError.self) { try DatabaseOption.parse([]).config(environment: environment) }
    }
}
