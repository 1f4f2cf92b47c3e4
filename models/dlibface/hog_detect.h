// C interface to dlib's frontal face (HOG) detector, detection only.
#ifndef FACETRIAGE_HOG_DETECT_H
#define FACETRIAGE_HOG_DETECT_H

#ifdef __cplusplus
extern "C" {
#endif

typedef struct ft_hog ft_hog;

// ft_hog_det is one detection: its box (edges, dlib's inclusive right and
// bottom), its score, and which of the detector's five filters fired.
typedef struct {
	long left, top, right, bottom;
	double score;
	int filter;
} ft_hog_det;

ft_hog* ft_hog_new(void);
void ft_hog_free(ft_hog* h);
// ft_hog_detect runs the detector on a grey image (rows of w bytes) and
// writes at most max detections to out. It returns the number of
// detections found (which may exceed max), or -1 on an error.
int ft_hog_detect(ft_hog* h, const unsigned char* grey, int w, int ht, double adjust, ft_hog_det* out, int max);

#ifdef __cplusplus
}
#endif

#endif
