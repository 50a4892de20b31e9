package flows

import "testing"

// BenchmarkBuiltin loads and validates every built-in flow (done once at
// start-up).
func BenchmarkBuiltin(b *testing.B) {
	for i := 0; i < b.N; i++ {
		if _, err := Builtin(); err != nil {
			b.Fatal(err)
		}
	}
}
