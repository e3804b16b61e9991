"""The pages ODM serves to browsers: the operations dashboard and the API documentation."""
