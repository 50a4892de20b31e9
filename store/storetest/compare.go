package storetest

import (
	"fmt"
	"reflect"
	"testing"
	"time"
)

// sameRecord compares a record read back from the store with the one that
// was written, field by field. Times must be the same instant truncated to
// the microsecond, in UTC; a zero time must stay zero.
func sameRecord[T any](t *testing.T, what string, got, want T) {
	t.Helper()
	compareFields(t, what, got, want, storedTime)
}

// sameEcho compares the record a write returned with the one given to it:
// times may come back as given or already truncated.
func sameEcho[T any](t *testing.T, what string, got, want T) {
	t.Helper()
	compareFields(t, what, got, want, echoedTime)
}

// sameList is sameRecord over a list.
func sameList[T any](t *testing.T, what string, got, want []T) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("%s: got %d records, want %d:\n got  %+v\n want %+v", what, len(got), len(want), got, want)
		return
	}
	for i := range got {
		sameRecord(t, fmt.Sprintf("%s[%d]", what, i), got[i], want[i])
	}
}

func compareFields(t *testing.T, what string, got, want any, timeDiff func(got, want time.Time) string) {
	t.Helper()
	gv, wv := reflect.ValueOf(got), reflect.ValueOf(want)
	for i := range gv.NumField() {
		name := what + "." + gv.Type().Field(i).Name
		g, w := gv.Field(i).Interface(), wv.Field(i).Interface()
		if wt, ok := w.(time.Time); ok {
			if diff := timeDiff(g.(time.Time), wt); diff != "" {
				t.Errorf("%s: %s", name, diff)
			}
			continue
		}
		if !reflect.DeepEqual(g, w) {
			t.Errorf("%s = %s, want %s", name, show(g), show(w))
		}
	}
}

func storedTime(got, want time.Time) string {
	want = want.Truncate(time.Microsecond)
	switch {
	case !got.Equal(want):
		return fmt.Sprintf("got %v, want %v", got, want)
	case !got.IsZero() && got.Location() != time.UTC:
		return fmt.Sprintf("got zone %v, want UTC", got.Location())
	}
	return ""
}

func echoedTime(got, want time.Time) string {
	if got.Equal(want) || got.Equal(want.Truncate(time.Microsecond)) {
		return ""
	}
	return fmt.Sprintf("got %v, want %v", got, want)
}

func show(v any) string {
	if b, ok := v.([]byte); ok {
		return fmt.Sprintf("%q", b)
	}
	return fmt.Sprintf("%#v", v)
}
