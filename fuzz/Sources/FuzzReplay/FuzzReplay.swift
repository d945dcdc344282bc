import Foundation

/// The `main` of a fuzz target built without `-DFUZZING`: runs the files (or every file of the
/// directories) named on the command line through the target's entry, to reproduce a crash in a
/// debugger without libFuzzer.
public enum FuzzReplay {
    /// Feeds every input named by the command line to `body`, printing each file's name first.
    public static func main(_ body: (UnsafeRawBufferPointer) -> Void) {
        let args = CommandLine.arguments.dropFirst()
        guard !args.isEmpty else {
            FileHandle.standardError.write(Data("usage: \(CommandLine.arguments[0]) FILE|DIR…\n".utf8))
            exit(2)
        }
        var count = 0
        for arg in args {
            var isDir: ObjCBool = false
            guard FileManager.default.fileExists(atPath: arg, isDirectory: &isDir) else {
                FileHandle.standardError.write(Data("no such file: \(arg)\n".utf8))
                exit(2)
            }
            let files = isDir.boolValue
                ? ((try? FileManager.default.contentsOfDirectory(atPath: arg)) ?? []).sorted().map { arg + "/" + $0 }
                : [arg]
            for f in files {
                print(f)
                guard let data = FileManager.default.contents(atPath: f) else { continue }
                data.withUnsafeBytes { body($0) }
                count += 1
            }
        }
        print("\(count) inputs ran")
    }
}
