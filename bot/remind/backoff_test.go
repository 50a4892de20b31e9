package remind

import (
	"testing"
	"time"
)

func TestBackoffDoublesUpToAnHour(t *testing.T) {
	t.Parallel()
	want := []time.Duration{time.Minute, 2 * time.Minute, 4 * time.Minute, 8 * time.Minute, 16 * time.Minute,
		32 * time.Minute, time.Hour, time.Hour}
	for i, w := range want {
		if got := backoff(i + 1); got != w {
			t.Errorf("backoff(%d) = %s, want %s", i+1, got, w)
		}
	}
	if got := backoff(1000); got != time.Hour {
		t.Errorf("backoff(1000) = %s, want the 1h cap", got)
	}
}
