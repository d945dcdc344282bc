import FuzzReplay
import TallyServer

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    ServerFuzzing.requestStream(UnsafeRawBufferPointer(start: data, count: size))
    return 0
}

#if !FUZZING
@main
struct Replay {
    static func main() { FuzzReplay.main { ServerFuzzing.requestStream($0) } }
}
#endif
