package app

// PlainStoreForTests makes the runtimes of this test binary keep their
// embedded store unencrypted (see plainStoreForTests), until undo.
func PlainStoreForTests() (undo func()) {
	plainStoreForTests = true
	return func() { plainStoreForTests = false }
}
