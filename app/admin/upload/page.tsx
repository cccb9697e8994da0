import { Uploader } from './uploader';

export default function UploadPage() {
  return (
    <>
      <h1>Upload</h1>
      <Uploader />
    </>
  );
}
