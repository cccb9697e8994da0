import { requireAdmin } from '../../_lib/access';
import { Uploader } from './uploader';

export default async function UploadPage() {
  await requireAdmin();
  return (
    <>
      <h1>Upload</h1>
      <Uploader />
    </>
  );
}
