package face

import "testing"

func TestLargest(t *testing.T) {
	if k := Largest(nil); k != -1 {
		t.Errorf("Largest(nil) = %d, want -1", k)
	}
	if k := Largest([]Face{{Size: 40}, {Size: 90}, {Size: 90}, {Size: 12}}); k != 1 {
		t.Errorf("Largest = %d, want 1 (the first of the largest)", k)
	}
}
