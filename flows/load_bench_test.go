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

// BenchmarkDebriefBudget computes the longest path of the built-in debrief
// in both modes (what `bansou flows check` does for its budget).
func BenchmarkDebriefBudget(b *testing.B) {
	set, err := Builtin()
	if err != nil {
		b.Fatal(err)
	}
	f, _ := set.Get("debrief")
	for i := 0; i < b.N; i++ {
		if n, _ := f.LongestPath("full"); n != 20 {
			b.Fatalf("full: %d", n)
		}
		f.LongestPath("quick")
	}
}
