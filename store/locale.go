package store

import "context"

// Localizer changes the language a person is spoken to in.
type Localizer interface {
	// SetLocale sets a person's locale (ja, en). ErrNotFound when missing.
	SetLocale(ctx context.Context, personID int64, locale string) error
}
