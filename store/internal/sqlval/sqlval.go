// Package sqlval holds the conversions both SQL backends apply to Go
// values on their way into a statement: the store's zero values as NULL,
// and a missing time as the store clock's.
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

// Clock is a store's clock, given at Open: the time a record gets when it
// comes without one.
type Clock func() time.Time

// OrNow is t, or the clock's time when t is zero.
func (c Clock) OrNow(t time.Time) time.Time {
	if t.IsZero() {
		return c()
	}
	return t
}
