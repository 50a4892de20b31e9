// Package sqlval holds the conversions both SQL backends apply to Go
// values on their way into a statement: the store's zero values as NULL,
// and a missing time as now.
package sqlval

import "time"

// NullID is id as stored in a nullable reference: 0 is NULL.
func NullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// NullText is s as stored in a nullable column: "" is NULL.
func NullText(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// OrNow is t, or the current time when t is zero.
func OrNow(t time.Time) time.Time {
	if t.IsZero() {
		return time.Now()
	}
	return t
}
